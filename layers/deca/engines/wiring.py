"""Which engine a process uses: Step Functions when deployed (the CDK sets its role), else the local one."""

from __future__ import annotations

import os
from collections.abc import Mapping

from deca.engines.base import ExecutionEngine
from deca.stores import Stores

__all__ = ["engine_from_environment"]


def engine_from_environment(stores: Stores, environ: Mapping[str, str] | None = None) -> ExecutionEngine:
    """`StepFunctionsEngine` when `DECA_STEPFUNCTIONS_ROLE_ARN` is set, else a `LocalEngine` over `stores`.

    On AWS the names come from the CDK's `DECA_STATE_MACHINE_PREFIX` (`deca-<env>-flow-`) and
    `DECA_FUNCTION_PREFIX` (`deca-<env>-node-`).
    """
    env = os.environ if environ is None else environ
    role_arn = env.get("DECA_STEPFUNCTIONS_ROLE_ARN")
    if not role_arn:
        from deca.engines.local import LocalEngine

        return LocalEngine(stores)
    import boto3

    from deca.engines.stepfunctions import StepFunctionsEngine

    prefix = env.get("DECA_STATE_MACHINE_PREFIX", "deca-dev-flow-")
    environment = prefix.removeprefix("deca-").removesuffix("-flow-") or "dev"
    return StepFunctionsEngine(
        stores,
        boto3.client("stepfunctions"),
        role_arn=role_arn,
        environment=environment,
        function_prefix=env.get("DECA_FUNCTION_PREFIX"),
    )
