"""Labelled form controls (native elements: accessible and easy to drive from tests)."""

from __future__ import annotations

from typing import Any

import reflex as rx


def labelled(label: rx.Var[str] | str, control: rx.Component, control_id: str) -> rx.Component:
    return rx.box(rx.el.label(label, html_for=control_id, class_name="filter-label"), control)


def text_field(label: rx.Var[str] | str, control_id: str, **props: Any) -> rx.Component:
    return labelled(label, rx.el.input(id=control_id, name=control_id, class_name="field", **props), control_id)


def select_field(
    label: rx.Var[str] | str, control_id: str, options: list[rx.Component] | rx.Component, **props: Any
) -> rx.Component:
    children = options if isinstance(options, list) else [options]
    return labelled(
        label, rx.el.select(*children, id=control_id, name=control_id, class_name="field", **props), control_id
    )
