"""Which engine a process uses: Step Functions when deployed (the CDK sets its role), else the local one."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from deca.engines.base import ExecutionEngine
from deca.stores import Stores

if TYPE_CHECKING:
    from deca.engines.stepfunctions import StepFunctionsEngine

__all__ = ["engine_from_environment", "stepfunctions_engine"]


def engine_from_environment(stores: Stores, environ: Mapping[str, str] | None = None) -> ExecutionEngine:
    """`StepFunctionsEngine` when `DECA_STEPFUNCTIONS_ROLE_ARN` is set, else a `LocalEngine` over `stores`."""
    env = os.environ if environ is None else environ
    if not env.get("DECA_STEPFUNCTIONS_ROLE_ARN"):
        from deca.engines.local import LocalEngine

        return LocalEngine(stores)
    return stepfunctions_engine(stores, env)


def stepfunctions_engine(stores: Stores, environ: Mapping[str, str] | None = None) -> StepFunctionsEngine:
    """The Step Functions engine as the CDK configures it.

    Names come from `DECA_STATE_MACHINE_ARN_PREFIX` (`arn:…:stateMachine:deca-<env>-flow-`; else the
    environment of `DECA_STATE_MACHINE_PREFIX`, found by listing) and `DECA_FUNCTION_PREFIX`
    (`deca-<env>-node-`); state machines run as `DECA_STEPFUNCTIONS_ROLE_ARN` (only needed to deploy) and
    log errors to `DECA_STEPFUNCTIONS_LOG_GROUP_ARN`.
    """
    import boto3

    from deca.engines.naming import StateMachineNames
    from deca.engines.stepfunctions import StepFunctionsEngine

    env = os.environ if environ is None else environ
    arn_prefix = env.get("DECA_STATE_MACHINE_ARN_PREFIX")
    names = StateMachineNames.from_arn_prefix(arn_prefix) if arn_prefix else None
    prefix = env.get("DECA_STATE_MACHINE_PREFIX", "deca-dev-flow-")
    environment = names.environment if names else prefix.removeprefix("deca-").removesuffix("-flow-") or "dev"
    return StepFunctionsEngine(
        stores,
        boto3.client("stepfunctions"),
        role_arn=env.get("DECA_STEPFUNCTIONS_ROLE_ARN", ""),
        environment=environment,
        function_prefix=env.get("DECA_FUNCTION_PREFIX"),
        names=names,
        log_group_arn=env.get("DECA_STEPFUNCTIONS_LOG_GROUP_ARN") or None,
    )
