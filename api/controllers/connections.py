"""Jenkins connections: list (any token), create, delete and test (admin tokens only).

Jenkins tokens go in (POST) and never come out: responses carry `hasToken` only.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath

from api.auth import require_admin
from api.errors import ConflictException, bad_parameter, error_responses
from api.probe import probe
from api.schemas import ConnectionCheck, ConnectionIn, ConnectionList
from buildbutler.secrets import SecretKeyMismatch
from buildbutler.settings import Settings
from buildbutler.store import ConflictError, Connection, InvalidField, Store

# Unknown fields are refused (a misspelt "token" must not be dropped silently); the schema says so.
CLOSED = {"additionalProperties": False}


class ConnectionsController(Controller):
    path = "/connections"
    tags = ["connections"]

    @get("/", operation_id="listConnections", sync_to_thread=True, responses=error_responses())
    def list_connections(self, store: NamedDependency[Store]) -> ConnectionList:
        """Connections with their last sync status."""
        return ConnectionList(data=store.list_connections())

    @post("/", operation_id="createConnection", sync_to_thread=True, guards=[require_admin],
          responses=error_responses(403, 409))
    def create_connection(
        self, store: NamedDependency[Store], data: Annotated[ConnectionIn, Body(schema_extra=CLOSED)]
    ) -> Connection:
        """Register a Jenkins controller. `name` must be unique; `url` an absolute http(s) URL."""
        try:
            return store.add_connection(data.name, data.url, username=data.username, token=data.token,
                                        ca_bundle=data.ca_bundle, tls_verify=data.tls_verify)
        except InvalidField as exc:
            raise bad_parameter(exc.field, str(exc), source="body") from None
        except ConflictError as exc:
            raise ConflictException(str(exc), extra={"parameter": "name"}) from None

    @delete("/{connection_id:str}", operation_id="deleteConnection", sync_to_thread=True, guards=[require_admin],
            responses=error_responses(403, 404))
    def delete_connection(self, store: NamedDependency[Store], connection_id: FromPath[str]) -> None:
        """Remove a connection (by id or name). Its builds stay in the warehouse."""
        if not store.remove_connection(connection_id):
            raise NotFoundException(f"No connection {connection_id!r}.")

    @post("/{connection_id:str}/test", operation_id="testConnection", sync_to_thread=True, status_code=200,
          guards=[require_admin], responses=error_responses(403, 404))
    def test_connection(
        self, store: NamedDependency[Store], settings: NamedDependency[Settings], connection_id: FromPath[str]
    ) -> ConnectionCheck:
        """Check that the controller answers Blue Ocean's organization endpoint with the stored credentials."""
        connection = store.get_connection(connection_id)
        if connection is None:
            raise NotFoundException(f"No connection {connection_id!r}.")
        try:
            username, token = store.credentials(connection.id)
        except SecretKeyMismatch as exc:
            return ConnectionCheck(ok=False, status=None, message=str(exc))
        return probe(connection, username, token, timeout_s=settings.jenkins_timeout_s,
                     allow_link_local=settings.allow_link_local)
