"""The Jinja sandbox pbm renders documents in, with bounds on work and size.

Jinja's own sandbox stops a template from reaching Python internals, not from working or
allocating without end: ``{% for i in range(99999) %}{% for j in range(99999) %}`` loops ten
billion times, ``{{ 'x' * 3000000000 }}`` asks for 3 GB, ``{{ lipsum(100000) }}`` writes
sixty megabytes of Latin.  A user's template is code from outside, so every render here is
bounded:

* **steps**: every loop iteration, call and filter counts; past ``MAX_STEPS`` in one document,
  or ``MAX_SECONDS`` of rendering, the render stops;
* **sizes**: a string or list a template builds (``*``, ``+``, ``~``, ``%``, ``center``,
  ``ljust``, ``join``, ``replace``, ``format`` …) is refused beyond ``MAX_TEXT`` items *before*
  it is built where its size can be known, and checked after every call and filter otherwise;
  a number beyond ``MAX_INT_BITS`` bits (``9 ** 9 ** 9``) is refused before it is computed;
* **output**: a document part over ``MAX_OUTPUT`` characters stops;
* ``lipsum`` is gone: no document needs it.

A bound reached raises :class:`RenderLimitError`; rendering turns it into REPORT-TEMPLATE-LIMIT
naming the template, and nothing is published.  The bounds are far above any real document
(a notice of 10,000 projects is some 20 million characters and 200,000 steps).
"""

from __future__ import annotations

import math
import re
import string
import time
from typing import Any

from jinja2 import nodes, pass_context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

#: loop iterations + calls + filters in one document
MAX_STEPS = 10_000_000
#: seconds of rendering for one document
MAX_SECONDS = 120.0
#: characters of a string, items of a list a template builds
MAX_TEXT = 10_000_000
#: characters of one rendered document part (body, a header …)
MAX_OUTPUT = 100_000_000
#: bits of an integer a template computes (about 3,000 digits)
MAX_INT_BITS = 10_000

_SIZED = (str, list, tuple, bytes)
# printf conversion specs: %(name)-08.3f; width and precision may be * (taken from the args)
_PRINTF = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


class RenderLimitError(Exception):
    """A template went past a rendering bound; ``args`` = (Chinese, English) descriptions."""

    def __init__(self, zh: str, en: str):
        super().__init__(zh, en)

    @property
    def zh(self) -> str:
        return self.args[0]

    @property
    def en(self) -> str:
        return self.args[1]

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


def _too_long(size: int, what_zh: str, what_en: str) -> RenderLimitError:
    return RenderLimitError(f"{what_zh}长度 {size} 超过上限 {MAX_TEXT}",
                            f"{what_en} of length {size} exceeds the limit {MAX_TEXT}")


def _check_size(size: int, what_zh: str = "文本或列表", what_en: str = "a text or list") -> None:
    if size > MAX_TEXT:
        raise _too_long(size, what_zh, what_en)


def _check_result(value: Any) -> Any:
    if isinstance(value, _SIZED) and len(value) > MAX_TEXT:
        raise _too_long(len(value), "文本或列表", "a text or list")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise _big_number()
    return value


def _big_number() -> RenderLimitError:
    return RenderLimitError(f"数值超过 {MAX_INT_BITS} 位（二进制）",
                            f"a number beyond {MAX_INT_BITS} bits")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _width(value: Any) -> int:
    """A width argument as the size it makes (a number, or an indent string's length)."""
    if isinstance(value, str):
        return len(value)
    try:
        return max(0, int(value))
    except (TypeError, ValueError, OverflowError):
        return 0


def _check_printf(fmt: str, args: Any) -> None:
    """``'%3000000000d' % 1`` and ``'%*d' % (3000000000, 1)`` are refused before formatting."""
    values = args if isinstance(args, tuple) else (args,)
    star = False
    for match in _PRINTF.finditer(fmt):
        for part in match.groups():
            if part == "*":
                star = True
            elif part:
                _check_size(int(part), "格式宽度", "a format width")
    if star:
        for value in values:
            if _is_int(value):
                _check_size(abs(value), "格式宽度", "a format width")


def _check_str_format(fmt: str, args: tuple, kwargs: dict) -> None:
    """``'{:>3000000000}'.format(1)`` and ``'{:{}}'.format(1, 3000000000)`` likewise."""
    try:
        fields = list(string.Formatter().parse(fmt))
    except (ValueError, TypeError):
        return  # str.format will say what is wrong
    nested = False
    for _, _, spec, _ in fields:
        if not spec:
            continue
        nested = nested or "{" in spec
        for digits in re.findall(r"\d+", spec):
            _check_size(int(digits), "格式宽度", "a format width")
    if nested:
        for value in (*args, *kwargs.values()):
            if _is_int(value):
                _check_size(abs(value), "格式宽度", "a format width")


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, _SIZED) and _is_int(count):
                _check_size(len(sequence) * max(count, 0))
        if _is_int(left) and _is_int(right) and \
                left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise _big_number()
    elif operator == "**":
        if _is_int(left) and _is_int(right) and right > 0 and abs(left) > 1 and \
                right * math.log2(abs(left)) > MAX_INT_BITS:
            raise _big_number()
    elif operator == "+":
        if isinstance(left, _SIZED) and isinstance(right, _SIZED):
            _check_size(len(left) + len(right))
    elif operator == "%" and isinstance(left, str):
        _check_printf(left, right)


def _check_str_method(method: Any, args: tuple, kwargs: dict) -> None:
    """Bound str methods whose result size is set by an argument: ljust/rjust/center/zfill,
    expandtabs, replace, join, format/format_map (sandboxed by Jinja, then called here)."""
    target = getattr(method, "__wrapped__", method)
    owner = getattr(target, "__self__", None)
    if not isinstance(owner, str):
        return
    name = getattr(target, "__name__", "")
    if name in ("ljust", "rjust", "center", "zfill") and args:
        _check_size(_width(args[0]))
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        _check_size(len(owner) + owner.count("\t") * _width(size))
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) \
            and isinstance(args[1], str):
        _check_replace(owner, args[0], args[1], args[2] if len(args) > 2 else -1)
    elif name == "join":
        items = args[0] if args else ()
        if isinstance(items, (list, tuple, str, range)):
            _check_size(len(owner) * max(len(items) - 1, 0))
    elif name == "format":
        _check_str_format(owner, args, kwargs)
    elif name == "format_map" and args and isinstance(args[0], dict):
        _check_str_format(owner, (), args[0])


def _check_replace(text: str, old: str, new: str, count: Any = -1) -> None:
    hits = text.count(old) if old else len(text) + 1
    if _is_int(count) and count >= 0:
        hits = min(hits, count)
    _check_size(len(text) + hits * max(len(new) - len(old), 0))


def _check_filter(name: str, args: tuple, kwargs: dict) -> None:
    """The built-in filters whose result size an argument sets, checked before they run."""
    value = args[0] if args else None
    rest = args[1:]
    if name == "center":
        _check_size(_width(rest[0] if rest else kwargs.get("width", 80)))
    elif name == "indent" and isinstance(value, str):
        width = rest[0] if rest else kwargs.get("width", 4)
        _check_size(len(value) + (value.count("\n") + 1) * _width(width))
    elif name == "replace" and isinstance(value, str) and len(rest) >= 2:
        _check_replace(value, str(rest[0]), str(rest[1]), rest[2] if len(rest) > 2 else -1)
    elif name == "format" and isinstance(value, str):
        _check_printf(value, tuple(rest) if rest else tuple(kwargs.values()))
    elif name == "join":
        separator = rest[0] if rest else kwargs.get("d", "")
        if isinstance(value, (list, tuple, str, range)) and isinstance(separator, str):
            _check_size(len(separator) * max(len(value) - 1, 0))
    elif name == "wordwrap" and isinstance(value, str):
        wrap = rest[3] if len(rest) > 3 else kwargs.get("wrapstring") or "\n"
        width = max(_width(rest[0] if rest else kwargs.get("width", 79)), 1)
        if isinstance(wrap, str):
            _check_size(len(value) + (len(value) // width + 1) * len(wrap))


def _bounded_filter(name: str, func):
    """``func`` with a step counted, its argument sizes checked first and its result after.

    Passing the context also keeps Jinja from running the filter while compiling (constant
    folding), where no bound would apply yet.
    """
    passes = getattr(getattr(func, "jinja_pass_arg", None), "name", None)

    @pass_context
    def bounded(context, *args, **kwargs):
        environment = context.environment
        environment.step()
        _check_filter(name, args, kwargs)
        if passes == "context":
            result = func(context, *args, **kwargs)
        elif passes == "eval_context":
            result = func(context.eval_ctx, *args, **kwargs)
        elif passes == "environment":
            result = func(environment, *args, **kwargs)
        else:
            result = func(*args, **kwargs)
        return _check_result(result)

    bounded.__name__ = getattr(func, "__name__", name)
    bounded.__doc__ = getattr(func, "__doc__", None)
    return bounded


@pass_context
def _counted(context, iterable):
    """A ``{% for %}`` loop's items, each one a step."""
    step = context.environment.step
    for item in iterable:
        step()
        yield item


@pass_context
def _sized(context, value):
    """A ``~`` concatenation, checked once built (its parts are each within the bound)."""
    return _check_result(value)


class _BoundLoops(NodeTransformer):
    """Route every loop's iterable through ``_counted`` and every ``~`` through ``_sized``."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, "_pbm_counted", [], [], None, None,
                                 lineno=node.iter.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Filter(node, "_pbm_sized", [], [], None, None, lineno=node.lineno)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with pbm's bounds on steps, time, sizes and output."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals.pop("lipsum", None)
        self.filters = {name: _bounded_filter(name, func) for name, func in self.filters.items()}
        self.filters["_pbm_counted"] = _counted
        self.filters["_pbm_sized"] = _sized
        self.start_render()

    # -- the budget of one document ---------------------------------------------------------

    def start_render(self) -> None:
        """A new document: its steps count from zero, its clock from the first step."""
        self._steps = 0
        self._deadline: float | None = None

    def step(self) -> None:
        self._steps += 1
        if self._steps > MAX_STEPS:
            raise RenderLimitError(f"循环和调用超过 {MAX_STEPS} 步",
                                   f"loops and calls beyond {MAX_STEPS} steps")
        if self._steps & 0x3FF == 1:  # the clock every 1,024 steps
            now = time.monotonic()
            if self._deadline is None:
                self._deadline = now + MAX_SECONDS
            elif now > self._deadline:
                raise RenderLimitError(f"渲染超过 {MAX_SECONDS:g} 秒",
                                       f"rendering beyond {MAX_SECONDS:g} seconds")

    # -- hooks of the sandbox ----------------------------------------------------------------

    def _generate(self, source, name, filename, defer_init=False):
        return super()._generate(_BoundLoops().visit(source), name, filename,
                                 defer_init=defer_init)

    def call_binop(self, context, operator, left, right):
        _check_binop(operator, left, right)
        return _check_result(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # Jinja's own names (no clash)
        __self.step()
        _check_str_method(__obj, args, kwargs)
        return _check_result(super().call(__context, __obj, *args, **kwargs))

    def concat(self, parts) -> str:  # type: ignore[override]
        """Join a rendered part, stopping once it passes ``MAX_OUTPUT`` characters."""
        joined: list[str] = []
        pending: list[str] = []
        size = 0
        for part in parts:
            size += len(part)
            if size > MAX_OUTPUT:
                raise RenderLimitError(f"生成的文书超过 {MAX_OUTPUT} 个字符",
                                       f"a document beyond {MAX_OUTPUT} characters")
            pending.append(part)
            if len(pending) >= 4096:  # ten million small strings would weigh ten times their text
                joined.append("".join(pending))
                pending.clear()
        return "".join(joined + pending)
