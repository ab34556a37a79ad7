"""Fuzz the compiler under lockdown: random source and random AST objects.

Compiling keeps working once locked (only code objects built from parts
are refused), so it must never crash, whatever it is fed.

    python -m test.fuzz_compile [--seconds S | --iterations N] [--seed S]
"""

import ast
from test import fuzzhelper

SNIPPETS = [
    "x", "y", "0", "1.5", "'s'", "b'b'", "f'{x}'", "f'{x!r:>{y}}'", "None",
    "(", ")", "[", "]", "{", "}", ":", ",", ".", ";", "=", "==", ":=", "+",
    "-", "*", "**", "/", "//", "%", "@", "<", ">", "|", "&", "^", "~", "->",
    "lambda", "def", "class", "if", "elif", "else", "for", "while", "in",
    "not", "and", "or", "is", "return", "yield", "await", "async", "with",
    "as", "try", "except", "except*", "finally", "raise", "import", "from",
    "global", "nonlocal", "del", "pass", "break", "continue", "assert",
    "match", "case", "type", "_", "*args", "**kw", "\n", "\n    ", "\n        ",
    "\\\n", "#", "...", "[x for x in y]", "{k: v for k, v in y}",
    "(yield)", "await x", "print(x)", "x[1:2:3]", "x.y.z", "[*x, *y]",
]

VALID = [
    "def f(a, /, b=1, *c, d, **e):\n    return a\n",
    "async def g():\n    async with x as y:\n        await y\n",
    "class C(B, metaclass=M):\n    x: int = 1\n",
    "match p:\n    case [1, *r] | {'k': v} if v:\n        pass\n",
    "try:\n    pass\nexcept* ValueError as e:\n    raise\n",
    "x = [i for i in range(3) if i for j in i]\n",
    "type T[X: int, *Y, **Z] = list[X]\n",
    "with (a as b, c as d):\n    pass\n",
]

MODES = ("exec", "eval", "single")


def node_classes():
    classes = []
    for name in dir(ast):
        obj = getattr(ast, name)
        if isinstance(obj, type) and issubclass(obj, ast.AST) \
                and obj._fields is not None:
            classes.append(obj)
    return classes


def targets(rng):
    classes = node_classes()
    exprs = [c for c in classes if issubclass(c, ast.expr)]
    stmts = [c for c in classes if issubclass(c, ast.stmt)]

    def random_source(*ignored):
        if rng.random() < 0.4:
            text = list(rng.choice(VALID))
            for _ in range(rng.randint(1, 4)):
                pos = rng.randrange(len(text) + 1)
                if rng.random() < 0.5 and text:
                    del text[min(pos, len(text) - 1)]
                else:
                    text.insert(pos, rng.choice(SNIPPETS))
            source = "".join(text)
        else:
            source = " ".join(rng.choice(SNIPPETS)
                              for _ in range(rng.randint(1, 40)))
        try:
            compile(source, "<fuzz>", rng.choice(MODES),
                    flags=rng.choice((0, ast.PyCF_ONLY_AST,
                                      ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)))
        except (SyntaxError, ValueError, OverflowError, MemoryError,
                RecursionError):
            pass

    def random_node(depth):
        if depth <= 0 or rng.random() < 0.2:
            return rng.choice((ast.Name(id=rng.choice("xyz"), ctx=ast.Load()),
                               ast.Constant(value=rng.choice(
                                   (1, "s", None, 2.5, b"b", ...))),
                               None, "x", 5, []))
        cls = rng.choice(exprs if rng.random() < 0.6 else classes)
        node = cls.__new__(cls)
        for field in cls._fields:
            if rng.random() < 0.1:
                continue            # missing field
            if rng.random() < 0.3:
                value = [random_node(depth - 1)
                         for _ in range(rng.randint(0, 3))]
            else:
                value = random_node(depth - 1)
            setattr(node, field, value)
        return node

    def random_ast(*ignored):
        mode = rng.choice(MODES)
        if mode == "eval":
            tree = ast.Expression(body=random_node(4))
        else:
            body = [rng.choice(stmts).__new__(rng.choice(stmts))
                    if rng.random() < 0.1 else random_node(4)
                    for _ in range(rng.randint(1, 3))]
            body = [ast.Expr(value=b) if isinstance(b, ast.expr) else b
                    for b in body]
            tree = (ast.Module(body=body, type_ignores=[]) if mode == "exec"
                    else ast.Interactive(body=body))
        try:
            ast.fix_missing_locations(tree)
        except Exception:
            pass
        try:
            compile(tree, "<fuzz>", mode)
        except (TypeError, ValueError, SyntaxError, AttributeError,
                RecursionError, MemoryError, OverflowError):
            pass

    return [random_source, random_ast]


if __name__ == "__main__":
    fuzzhelper.main(targets)
