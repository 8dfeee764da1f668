"""Settings from the client, model warm-up, and reloads when the model changes."""

from __future__ import annotations

import asyncio
import logging
import os
import threading

from lsprotocol import types

from lsp_server.server import SqlscribeServer
from lsp_server.settings import Settings

log = logging.getLogger(__name__)

SECTION = "sqlscribe"
COMMAND_LIST_MODELS = "sqlscribe.listModels"
EXIT_GRACE_SECONDS = 3.0


def register(server: SqlscribeServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: SqlscribeServer, params: types.InitializeParams) -> None:
        # Clients without workspace/configuration (simple Neovim set-ups) pass settings here.
        options = params.initialization_options
        if isinstance(options, dict):
            apply(ls, options.get(SECTION, options))

    @server.feature(types.INITIALIZED)
    async def initialized(ls: SqlscribeServer, params: types.InitializedParams) -> None:
        ls.loop = asyncio.get_running_loop()
        try:
            if _supports_dynamic_configuration(ls):
                await ls.client_register_capability_async(
                    types.RegistrationParams(
                        registrations=[
                            types.Registration(
                                id="sqlscribe-configuration",
                                method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                                register_options={"section": SECTION},
                            )
                        ]
                    )
                )
            await pull(ls)
        finally:
            ls.engine.settle()  # a request sent meanwhile loads the model the settings name
        _start_warm_up(ls)

    @server.command(COMMAND_LIST_MODELS)
    def list_models(ls: SqlscribeServer) -> dict[str, object]:
        """The registered models (as ``sqlscribe models list --json``) and the one in use."""
        from sqlscribe.model_commands import model_entries

        return {"models": model_entries(), "active": ls.engine.model_id, "configured": ls.settings.model}

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: SqlscribeServer, params: None) -> None:
        ls.engine.close()

    @server.feature(types.EXIT)
    def exit_(ls: SqlscribeServer, params: None) -> None:
        # pygls exits once its stdin reader thread returns; a model call stuck in native code
        # must not keep an editor waiting on a server it has already told to go.
        timer = threading.Timer(EXIT_GRACE_SECONDS, os._exit, args=(0 if ls.protocol._shutdown else 1,))
        timer.daemon = True
        timer.start()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: SqlscribeServer, params: types.DidChangeConfigurationParams) -> None:
        pushed = params.settings
        if isinstance(pushed, dict) and isinstance(pushed.get(SECTION), dict):
            changed = apply(ls, pushed[SECTION])
        else:
            changed = await pull(ls)
        if changed:
            _start_warm_up(ls)
        from lsp_server.features.diagnostics import refresh_all

        refresh_all(ls)


async def pull(ls: SqlscribeServer) -> bool:
    """Ask the client for the ``sqlscribe`` section; True when the model must be reloaded."""
    if not _supports_configuration(ls):
        return False
    try:
        result = await asyncio.wait_for(
            ls.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            ),
            timeout=10,
        )
    except Exception as error:  # a client that fails the request keeps the current settings
        log.warning("workspace/configuration failed: %s", error)
        return False
    return apply(ls, result[0] if result else None)


def apply(ls: SqlscribeServer, raw: object) -> bool:
    """Adopt new settings; True when the backend or model changed (it reloads once, lazily)."""
    old: Settings = ls.settings
    new = Settings().merged(raw) if isinstance(raw, dict) else old
    for warning in new.warnings:
        ls.show_message(warning, types.MessageType.Warning)
    ls.settings = new
    if new.dialect != old.dialect:
        for uri in list(ls.workspace.text_documents):
            ls.documents.forget(uri)
    return ls.engine.reconfigure(new.backend_config())


def _start_warm_up(ls: SqlscribeServer) -> None:
    async def warm() -> None:
        try:
            await ls.engine.warm_up()
        except Exception:  # the engine already fell back and said why
            log.exception("model warm-up failed")

    ls.spawn(warm())


def _supports_configuration(ls: SqlscribeServer) -> bool:
    workspace = ls.client_capabilities.workspace
    return bool(workspace and workspace.configuration)


def _supports_dynamic_configuration(ls: SqlscribeServer) -> bool:
    workspace = ls.client_capabilities.workspace
    change = workspace.did_change_configuration if workspace else None
    return bool(change and change.dynamic_registration)
