"""The bundled demo world: a generated, ground-truthed network modelled on the C4ADS case."""

from resolution.demo.generator import DemoWorld, generate_world

__all__ = ["DemoWorld", "generate_world"]
