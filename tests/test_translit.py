"""Script folding: the same name in Kazakh, Russian, Kazakh Latin and English gets one key."""

from __future__ import annotations

import pytest

from pipeline.translit import fold, fold_kk, fold_tokens, fold_word, word_spans


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        (
            ["Taza Oskemen", "Таза Өскемен", "Таза Оскемен", "ТАЗА ӨСКЕМЕН", "Taza Öskemen"],
            "taza oskemen",
        ),
        (["Zaisan", "Zaysan", "Зайсан"], "zaisan"),
        (["Shymkent", "Шымкент", "Şymkent"], "shimkent"),
        (["Kazakhstan", "Казахстан"], "kazahstan"),
        (["Qazaqstan", "Қазақстан"], "kazakstan"),
        (["Zhanaozen", "Жаңаөзен", "Jañaözen"], "zhanaozen"),
        (["Glubokovsky", "Глубоковский"], "glubokovski"),
        (["Shemonaikha", "Шемонаиха"], "shemonaiha"),
    ],
)
def test_spellings_share_one_key(variants: list[str], key: str) -> None:
    assert {fold(v) for v in variants} == {key}


def test_kazakh_letters_fold_to_russian_lookalikes() -> None:
    assert (
        fold_kk("Өскемен Қазақстан ғылым Үкімет ұлт әкім һ")
        == "оскемен казакстан гылым укимет улт аким х"
    )


def test_fold_keeps_tokens_and_punctuation() -> None:
    text = "КГП на ПХВ «Таза Өскемен», 2025 ж. — Усть-Каменогорск"
    folded = fold(text)
    assert folded == "kgp na phv «taza oskemen», 2025 zh. — ust-kamenogorsk"
    assert len(fold_tokens(text)) == len(text.replace("-", " ").split()) - 1  # "—" is no word


def test_sign_only_word_keeps_a_token() -> None:
    assert fold_word("ъ") == "_"


def test_word_spans_map_back_to_the_original() -> None:
    text = "в Зайсанском районе"
    spans = word_spans(text)
    assert [(text[a:b], k) for a, b, k in spans] == [
        ("в", "v"),
        ("Зайсанском", "zaisanskom"),
        ("районе", "raione"),
    ]


def test_empty() -> None:
    assert fold(None) == "" and fold("") == "" and fold_tokens(None) == []
