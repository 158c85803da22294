import logging

from registry.logging import RedactPersonalDataFilter, redact


def test_id_numbers_and_mobiles_never_reach_the_log(caplog):
    logger = logging.getLogger("jjjtalent.test")
    logger.addFilter(RedactPersonalDataFilter())
    with caplog.at_level(logging.INFO):
        logger.info("registered %s with %s", "11010519491231002X", "13812345678")
    text = caplog.text
    assert "11010519491231002X" not in text and "13812345678" not in text
    assert "110***********002X" in text and "138****5678" in text


def test_redact_leaves_other_numbers():
    assert redact("order 2026 count 12") == "order 2026 count 12"
