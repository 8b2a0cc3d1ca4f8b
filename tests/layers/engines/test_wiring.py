"""The process picks Step Functions when deployed, the local engine otherwise."""

from __future__ import annotations

from deca.engines.local import LocalEngine
from deca.engines.stepfunctions import StepFunctionsEngine
from deca.engines.wiring import engine_from_environment
from deca.stores import Stores


def test_without_a_step_functions_role_the_engine_is_local(stores: Stores) -> None:
    engine = engine_from_environment(stores, {})

    assert isinstance(engine, LocalEngine)
    engine.close()


def test_deployed_environment_gets_step_functions_with_its_names(stores: Stores) -> None:
    engine = engine_from_environment(
        stores,
        {
            "DECA_STEPFUNCTIONS_ROLE_ARN": "arn:aws:iam::123456789012:role/deca-prod-flow-execution",
            "DECA_STATE_MACHINE_PREFIX": "deca-prod-flow-",
            "DECA_FUNCTION_PREFIX": "deca-prod-node-",
        },
    )

    assert isinstance(engine, StepFunctionsEngine)
    assert engine.machine_name("ws-1", "greeting", 2) == "deca-prod-flow-ws-1-greeting-v2"
    assert engine.compile_options("ws-1").function_prefix == "deca-prod-node-"
