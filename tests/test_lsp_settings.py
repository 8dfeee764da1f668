"""The server's settings as a client sends them: every option reaches the backend's configuration,
and a bad value keeps the default with a warning."""

from __future__ import annotations

from lsp_server.settings import Settings, settings_from


def test_every_option_reaches_the_backend_configuration() -> None:
    settings = settings_from(
        {"backend": "openai", "baseUrl": "http://127.0.0.1:8080/v1", "threads": 3, "contextSize": 4096, "jobs": 8}
    )
    assert settings.warnings == []
    config = settings.backend_config()
    assert (config.backend, config.base_url, config.n_threads, config.n_ctx, config.jobs) == (
        "openai",
        "http://127.0.0.1:8080/v1",
        3,
        4096,
        8,
    )
    assert Settings().backend_config().jobs == 4


def test_bad_values_keep_their_default_and_say_so() -> None:
    settings = settings_from({"jobs": 0, "backend": "gpt", "threads": "many", "prefetch": "yes", "unknown": 1})
    assert (settings.jobs, settings.backend, settings.threads, settings.prefetch) == (4, "llama", 0, True)
    assert settings.warnings == [
        "sqlscribe.backend: ignoring invalid value 'gpt'",
        "sqlscribe.threads: ignoring invalid value 'many'",
        "sqlscribe.jobs: ignoring invalid value 0",
        "sqlscribe.prefetch: ignoring invalid value 'yes'",
    ]
