"""The hand-worked calculation behind ``explain``: each step in the lecture's notation.

:class:`Working` does the calculation on a private copy of the values, exactly as the
reference engine does it (the same operations in the same order, so the same numbers to the
last bit), or rounding every value it shows and carrying it on, as by hand. What it writes for
an activation, a loss or an aggregation it reads from that object (``g.dg_form``,
``loss.quadratic``, ``loss.error_form``, ``combine.written`` …), never from its name.
"""

import math

from ..engines import reference
from .explanation import Step, fn, num, op, remark, sym

__all__ = ["Working", "Updated", "sparsity_slopes"]


class Working:
    """The calculation, one step at a time, with each value optionally rounded and carried."""

    def __init__(self, precision, mistake=None, given=None):
        self.r = (lambda v: v) if precision is None else precision.by_hand
        self.mistake = mistake
        self.given = given or {}  # a student's values, carried on in place of the right ones
        self.lr = None  # α, for the "updated_weights" mistake
        self.steps = []
        self.in_, self.a, self.g1, self.delta, self.grad, self.new = {}, {}, {}, {}, {}, {}
        self.error, self.raw, self.slope = {}, {}, {}  # g(in_j) before batch norm; c_ij
        self.sparse = {}  # j → (ρ̂_j, β(−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j)), ρ, β)

    def made(self, code, j):
        """Whether the mistake `code` is made at neuron (or edge) j's step."""
        return (self.mistake is not None and self.mistake[0] == code
                and self.mistake[1] in (None, j))

    def step(self, section, name, value, *tokens):
        """Record a step; where the student gave this value (``given``), theirs is carried on
        from here (the step keeps the value worked from what came before)."""
        self.steps.append(Step(section, name, value, tokens))
        if name in self.given:
            value = self.given[name]
            kind, _, where = name.partition("_")
            store = {"in": self.in_, "a": self.a, "Δ": self.delta, "dJ/dw": self.grad,
                     "w": self.new}.get(kind)
            if store is not None:
                store[tuple(map(int, where.split(","))) if "," in where else int(where)] = value
        return value

    def forward(self, plan, x):
        self.a[0] = self.step("forward", "a_0", 1.0, sym("a", 0), op("="), num(1.0))
        for k, (neuron, x_k) in enumerate(zip(plan.inputs, x), start=1):
            j = neuron.id
            self.a[j] = self.step("forward", f"a_{j}", x_k, sym("a", j), op("="), sym("x", k),
                                  op("="), num(x_k))
        for neuron_j, g, incoming, combine, norm in plan.forward:
            j = neuron_j.id
            terms = [(neuron_i.id, edge.weight) for neuron_i, edge in incoming
                     if not (neuron_i.id == 0 and self.made("missing_bias", j))]
            if combine is None or combine.is_sum:
                # in_j = Σ_{i:(i,j)∈A} w_ij a_i
                total = 0.0
                for i, w_ij in terms:
                    total += w_ij * self.a[i]
                self.in_[j] = self.r(total)
                self.step("forward", f"in_{j}", self.in_[j], sym("in", j), op("="),
                          *_sum([(sym("w", f"{i},{j}"), sym("a", i)) for i, _ in terms]),
                          op("="), *_sum([(num(w_ij), num(self.a[i])) for i, w_ij in terms]),
                          op("="), num(self.in_[j]))
            else:
                self._combined(j, combine, terms)
            if g.group:
                continue  # softmax: a_j once every in_m of the group is known
            # a_j = g(in_j)
            self.a[j] = self.r(g.g(self.in_[j]))
            if g.is_identity:
                applied = (sym("in", j),)
            else:
                name = g.shown_as
                applied = (fn(name), op("("), num(self.in_[j]), op(")"))
            self.step("forward", f"a_{j}", self.a[j], sym("a", j), op("="), fn("g"), op("("),
                      sym("in", j), op(")"), op("="), *applied, op("="), num(self.a[j]))
            if norm is not None:
                self._normalized(j, norm)

        if plan.group:
            self._group_forward([neuron.id for neuron, _ in plan.group])

    def _combined(self, j, combine, terms):
        """in_j = max_i w_ij a_i or Π_i w_ij a_i, and each term's slope c_ij = ∂in_j/∂(w_ij a_i)."""
        values = [w_ij * self.a[i] for i, w_ij in terms]
        self.in_[j] = self.r(combine.combine(values))
        self.slope[j] = dict(zip((i for i, _ in terms), combine.slopes(values)))
        symbols = [[sym("w", f"{i},{j}"), op("·"), sym("a", i)] for i, _ in terms]
        numbers = [[num(w_ij), op("·"), num(self.a[i])] for i, w_ij in terms]
        if combine.written == "applied":  # max(w·a, …) = max(numbers) = max(values)
            name = combine.symbol
            self.step("forward", f"in_{j}", self.in_[j], sym("in", j), op("="),
                      *_applied(name, symbols), op("="), *_applied(name, numbers), op("="),
                      *_applied(name, [[num(v)] for v in values]), op("="), num(self.in_[j]),
                      remark(combine.remark))
        else:  # (w·a)·(w·a)·… as factors
            self.step("forward", f"in_{j}", self.in_[j], sym("in", j), op("="),
                      *_factors(symbols), op("="), *_factors(numbers), op("="),
                      num(self.in_[j]), remark(combine.remark))

    def _normalized(self, j, norm):
        """â_j = γ_j (a_j − μ̂_j)/√(ε + σ̂_j²) + β_j with the running statistics."""
        self.raw[j] = a_j = self.a[j]
        value = norm.gamma * (a_j - norm.running_mean) / math.sqrt(norm.eps
                                                                     + norm.running_var) \
            + norm.beta
        self.a[j] = self.r(value)
        self.step("forward", f"â_{j}", self.a[j], sym("â", j), op("="), sym("γ", j), op("·"),
                  op("("), sym("a", j), op("−"), sym("μ̂", j), op(")"), op("/"), fn("√"),
                  op("("), sym("ε"), op("+"), sym("σ̂²", j), op(")"), op("+"), sym("β", j),
                  op("="), num(norm.gamma), op("·"), op("("), num(a_j), op("−"),
                  num(norm.running_mean), op(")"), op("/"), fn("√"), op("("), num(norm.eps),
                  op("+"), num(norm.running_var), op(")"), op("+"), num(norm.beta), op("="),
                  num(self.a[j]), remark("(batch norm, running statistics)"))

    def _group_forward(self, group):
        """a_k = exp(in_k) / Σ_m exp(in_m), computed as the engine does (shifted by the max)."""
        top = max(self.in_[m] for m in group)
        e = [math.exp(self.in_[m] - top) for m in group]
        total = sum(e)
        symbols = [t for m in group for t in ([op("+")] if m != group[0] else [])
                   + [fn("exp"), op("("), sym("in", m), op(")")]]
        numbers = [t for m in group for t in ([op("+")] if m != group[0] else [])
                   + [fn("exp"), op("("), num(self.in_[m]), op(")")]]
        for m, e_m in zip(group, e):
            self.a[m] = self.r(e_m / total)
            self.step("forward", f"a_{m}", self.a[m], sym("a", m), op("="), fn("exp"), op("("),
                      sym("in", m), op(")"), op("/"), op("("), *symbols, op(")"), op("="),
                      fn("exp"), op("("), num(self.in_[m]), op(")"), op("/"), op("("), *numbers,
                      op(")"), op("="), num(self.a[m]))

    def _group_backward(self, plan, y, loss):
        """Δ_k of the softmax outputs, through the whole Jacobian; a_k − y_k for cross-entropy."""
        group = [(neuron.id, k) for neuron, k in plan.group]
        single = len(plan.outputs) == 1
        target = {m: sym("y") if single else sym("y", k + 1) for m, k in group}
        if loss.group_exact:
            total_y = sum(y[k] for _, k in group)
            for m, k in group:
                self.delta[m] = self.r(self.a[m] * total_y - y[k])
                if total_y == 1.0:  # one-hot (or probability) targets: a_k − y_k
                    self.step("backward", f"Δ_{m}", self.delta[m], sym("Δ", m), op("="),
                              sym("a", m), op("−"), target[m], op("="), num(self.a[m]), op("−"),
                              num(y[k]), op("="), num(self.delta[m]),
                              remark("(softmax with cross-entropy)"))
                else:
                    self.step("backward", f"Δ_{m}", self.delta[m], sym("Δ", m), op("="),
                              sym("a", m), op("·"), sym("Σy"), op("−"), target[m], op("="),
                              num(self.a[m]), op("·"), num(total_y), op("−"), num(y[k]),
                              op("="), num(self.delta[m]), remark("(softmax with cross-entropy)"))
            return
        errors = {m: loss.error(y[k], self.a[m]) for m, k in group}
        weighted = sum(self.a[m] * errors[m] for m, _ in group)
        for m, _ in group:
            self.delta[m] = self.r(self.a[m] * (errors[m] - weighted))
            self.step("backward", f"Δ_{m}", self.delta[m], sym("Δ", m), op("="), sym("a", m),
                      op("·"), op("("), sym("dl/da", m), op("−"), sym("Σ a dl/da"), op(")"),
                      op("="), num(self.a[m]), op("·"), op("("), num(errors[m]), op("−"),
                      num(weighted), op(")"), op("="), num(self.delta[m]),
                      remark("(softmax: the whole Jacobian)"))

    def backward(self, plan, y, loss):
        y_k = {neuron.id: value for neuron, value in zip(plan.outputs, y)}
        if loss.check is not None:
            for neuron, g in zip(plan.outputs, plan.output_activations):
                loss.check(y_k[neuron.id], self.a[neuron.id], g)
        single = len(plan.outputs) == 1
        self._loss_value(plan, y, loss, single)
        if plan.group:
            self._group_backward(plan, y, loss)
        for neuron_j, g, outgoing, gated, k, norm in plan.backward:
            j = neuron_j.id
            if k is not None and loss.quadratic:
                target = sym("y") if single else sym("y", k + 1)
                self.error[j] = self.r(y_k[j] - self.a[j])  # the error y − a_j, then g′(in_j)
                self.step("backward", f"y − a_{j}", self.error[j], target, op("−"), sym("a", j),
                          op("="), num(y_k[j]), op("−"), num(self.a[j]), op("="),
                          num(self.error[j]))
            self.g1[j] = self._derivative(j, g)
            parts, numbers, value = [], [], None
            if self.made("missing_successor", j):  # the fan-out mistake: a successor left out
                outgoing = [(e, n) for e, n in outgoing if n.id != self.mistake[2]]
            if self.made("updated_weights", j) and self.lr is not None:  # w_jk already updated
                outgoing = [(Updated(reference.descend(e.weight, self.delta[n.id] * self.a[j],
                                                       self.lr, 0.0)), n)
                            for e, n in outgoing]
            if outgoing or gated or j in self.sparse:  # hidden: g′(in_j) Σ_k w_jk Δ_k
                total = 0.0
                for edge, neuron_k in outgoing:
                    total += edge.weight * self.delta[neuron_k.id]
                # into a max/product neuron k the term's slope c_jk joins: w_jk c_jk Δ_k
                for edge, neuron_k, _ in gated:
                    total += edge.weight * self.slope[neuron_k.id][j] * self.delta[neuron_k.id]
                symbols = [[sym("w", f"{j},{n.id}"), op("·"), sym("Δ", n.id)] for _, n in outgoing]
                symbols += [[sym("w", f"{j},{n.id}"), op("·"), sym("c", f"{j},{n.id}"), op("·"),
                             sym("Δ", n.id)] for _, n, _ in gated]
                figures = [[num(e.weight), op("·"), num(self.delta[n.id])] for e, n in outgoing]
                figures += [[num(e.weight), op("·"), num(self.slope[n.id][j]), op("·"),
                             num(self.delta[n.id])] for e, n, _ in gated]
                if j in self.sparse:  # the sparsity penalty: + β(−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j))
                    _, term, _, _ = self.sparse[j]
                    total += term
                    symbols.append([sym("β"), op("·"), op("("), op("−"), sym("ρ"), op("/"),
                                    sym("ρ̂", j), op("+"), op("("), num(1.0), op("−"), sym("ρ"),
                                    op(")"), op("/"), op("("), num(1.0), op("−"), sym("ρ̂", j),
                                    op(")"), op(")")])
                    figures.append([num(term)])
                scale_parts, scale_numbers = [], []
                if norm is not None:  # through â_j: ∂â_j/∂a_j = γ_j/√(ε + σ̂_j²)
                    scale = self._norm_scale(j, norm)
                    total *= scale
                    scale_parts = [sym("∂â/∂a", j), op("·")]
                    scale_numbers = [num(scale), op("·")]
                value = total if self.made("missing_g_prime", j) else self.g1[j] * total
                parts += [sym("g′"), op("("), sym("in", j), op(")"), op("·"), *scale_parts,
                          op("("), *_joined(symbols, "+"), op(")")]
                numbers += [num(self.g1[j]), op("·"), *scale_numbers, op("("),
                            *_joined(figures, "+"), op(")")]
            if k is not None:  # output: from the loss
                target = sym("y") if single else sym("y", k + 1)
                term, term_parts, term_numbers = self._output_delta(j, g, y_k[j], target, loss)
                value = term if value is None else value + term
                joiner = [op("+")] if parts else []
                parts += joiner + term_parts
                numbers += joiner + term_numbers
            if value is None:
                value, parts, numbers = 0.0, [num(0.0)], []
            self.delta[j] = self.r(value)
            tail = (op("="), *numbers) if numbers else ()
            self.step("backward", f"Δ_{j}", self.delta[j], sym("Δ", j), op("="), *parts, *tail,
                      op("="), num(self.delta[j]))

    def sparsity_steps(self):
        """ρ̂_j of each neuron the sparsity penalty reaches, as a step."""
        for j, (rho_hat, term, rho, beta) in self.sparse.items():
            self.step("backward", f"ρ̂_{j}", rho_hat, sym("ρ̂", j), op("="), num(rho_hat),
                      remark("(the mean of a_j over the batch)"))

    def _norm_scale(self, j, norm):
        """∂â_j/∂a_j = γ_j/√(ε + σ̂_j²), as a step of its own."""
        value = self.r(norm.scale())
        self.step("backward", f"∂â_{j}/∂a_{j}", value, sym("∂â/∂a", j), op("="), sym("γ", j),
                  op("/"), fn("√"), op("("), sym("ε"), op("+"), sym("σ̂²", j), op(")"), op("="),
                  num(norm.gamma), op("/"), fn("√"), op("("), num(norm.eps), op("+"),
                  num(norm.running_var), op(")"), op("="), num(value))
        return value

    def _derivative(self, j, g):
        """g′(in_j), written as the lectures write it for the named activations."""
        a_j, in_j = self.raw.get(j, self.a[j]), self.in_[j]
        if self.made("g_prime_of_a", j):  # the mistake: g′ evaluated at a_j, not at in_j
            value = self.r(g.dg(a_j))
            self.step("backward", f"g′(in_{j})", value, sym("g′"), op("("), sym("a", j), op(")"),
                      op("="), fn("g′"), op("("), num(a_j), op(")"), op("="), num(value))
            return value
        lhs = (sym("g′"), op("("), sym("in", j), op(")"), op("="))
        if g.dg_form == "a(1-a)":  # g′ = g(in_j)(1 − g(in_j))
            value = self.r(a_j * (1.0 - a_j))
            rest = (fn("g"), op("("), sym("in", j), op(")"), op("("), num(1.0), op("−"), fn("g"),
                    op("("), sym("in", j), op(")"), op(")"), op("="), num(a_j), op("·"),
                    op("("), num(1.0), op("−"), num(a_j), op(")"))
        elif g.dg_form == "1-a^2":  # g′ = 1 − g(in_j)²
            value = self.r(1.0 - a_j * a_j)
            rest = (num(1.0), op("−"), fn("g"), op("("), sym("in", j), op(")"), op("²"), op("="),
                    num(1.0), op("−"), num(a_j), op("²"))
        elif g.dg_form == "logistic(in)":  # g′ = σ(in_j)
            value = self.r(g.dg(in_j))
            rest = (fn("σ"), op("("), num(in_j), op(")"))
        else:
            value = self.r(g.dg(in_j))
            rest = (fn("g′"), op("("), num(in_j), op(")"))
        self.step("backward", f"g′(in_{j})", value, *lhs, *rest, op("="), num(value))
        return value

    def _output_delta(self, j, g, y, target, loss):
        """This output's Δ term from the loss: (value, symbolic tokens, numeric tokens), with
        the mistake made if it is made here."""
        value, symbols, numbers = self._right_output_delta(j, g, y, target, loss)
        if self.made("missing_g_prime", j) and self.g1[j]:
            value = value if loss.exact(g) else value / self.g1[j]
        if self.made("sign", j):  # a − y for y − a
            value = -value
        if self.made("factor_2", j):  # squared and half-squared confused
            value = value * self.mistake[2]
        return value, symbols, numbers

    def _right_output_delta(self, j, g, y, target, loss):
        """This output's Δ term from the loss: (value, symbolic tokens, numeric tokens)."""
        a_j, g1 = self.a[j], self.g1[j]
        if loss.exact(g):
            return (a_j - y, [sym("a", j), op("−"), target],
                    [num(a_j), op("−"), num(y)])
        g_prime = [sym("g′"), op("("), sym("in", j), op(")")]
        if loss.quadratic:  # −2c (y − a_j) g′(in_j), from the error step y − a_j
            error, factor = self.error[j], -2.0 * loss.quadratic
            residual = [op("("), target, op("−"), sym("a", j), op(")")]
            if factor == -1.0:  # −(y − a_j) g′(in_j)
                return (-error * g1, [op("−"), *residual, *g_prime],
                        [op("−"), num(error), op("·"), num(g1)])
            return (factor * error * g1, [num(factor), *residual, *g_prime],
                    [num(factor), op("·"), num(error), op("·"), num(g1)])
        if loss.error_form and loss.error is not None:  # ∂ℓ/∂a_j · g′(in_j), as the loss writes it
            symbols = {"a": sym("a", j), "y": target}
            numbers = {"a": num(a_j), "y": num(y)}
            return (loss.error(y, a_j) * g1,
                    [*_form(loss.error_form, symbols), op("·"), *g_prime],
                    [*_form(loss.error_form, numbers), op("·"), num(g1)])
        value = loss.delta(y, a_j, self.in_[j], g)  # a user-made loss
        return value, [sym("dl/din", j)], [num(value)]

    def _loss_value(self, plan, y, loss, single):
        """ℓ(y, h_w(x)) on this example, with its formula for the quadratic losses."""
        total = 0.0
        exact_group = bool(plan.group) and loss.group_exact
        for neuron, g, y_k in zip(plan.outputs, plan.output_activations, y):
            if not (g.group and exact_group):
                total += loss.value(y_k, self.a[neuron.id], self.in_[neuron.id], g)
        if exact_group:  # −Σ_k y_k log a_k from in_k, as the engine computes it
            group = [(neuron.id, k) for neuron, k in plan.group]
            top = max(self.in_[m] for m, _ in group)
            log_total = top + math.log(sum(math.exp(self.in_[m] - top) for m, _ in group))
            total -= sum(y[k] * (self.in_[m] - log_total) for m, k in group)
        formula = []
        if loss.quadratic:  # c Σ_k (y_k − a_k)²
            squares = []
            for k, neuron in enumerate(plan.outputs):
                target = sym("y") if single else sym("y", k + 1)
                squares += ([op("+")] if squares else []) + [
                    op("("), target, op("−"), sym("a", neuron.id), op(")"), op("²")]
            scale = [] if loss.quadratic == 1.0 else [num(loss.quadratic), op("·")]
            formula = [*scale, *squares, op("=")]
        self.step("backward", "ℓ", self.r(float(total)), sym("ℓ"), op("="), *formula,
                  num(self.r(float(total))), remark(f"({loss.name} loss)"))

    def gradients(self, plan):
        for neuron_i, _, neuron_j in plan.edges:
            i, j = neuron_i.id, neuron_j.id
            if j in self.slope:  # ∂J/∂w_ij = Δ_j a_i c_ij
                c_ij = self.slope[j][i]
                self.grad[i, j] = self.r(self.delta[j] * self.a[i] * c_ij)
                self.step("gradient", f"dJ/dw_{i},{j}", self.grad[i, j],
                          sym("dJ/dw", f"{i},{j}"), op("="), sym("Δ", j), op("·"), sym("a", i),
                          op("·"), sym("c", f"{i},{j}"), op("="), num(self.delta[j]), op("·"),
                          num(self.a[i]), op("·"), num(c_ij), op("="), num(self.grad[i, j]))
                continue
            self.grad[i, j] = self.r(self.delta[j] * self.a[i])  # ∂J/∂w_ij = Δ_j a_i
            self.step("gradient", f"dJ/dw_{i},{j}", self.grad[i, j], sym("dJ/dw", f"{i},{j}"),
                      op("="), sym("Δ", j), op("·"), sym("a", i), op("="), num(self.delta[j]),
                      op("·"), num(self.a[i]), op("="), num(self.grad[i, j]))

    def updates(self, plan, lr, weight_decay, decay_bias):
        users = {}  # each weight's edges: a tied group's, in the engine's order
        for neuron_i, edge, neuron_j in plan.edges:
            users.setdefault(edge, []).append((neuron_i.id, neuron_j.id))
        for neuron_i, edge, neuron_j in plan.edges:
            i, j, w_ij = neuron_i.id, neuron_j.id, edge.weight
            w = sym("w", f"{i},{j}")
            group = users[edge]
            if edge.frozen:
                self.new[i, j] = self.step("update", f"w_{i},{j}", w_ij, w, op("="), num(w_ij),
                                           remark("(frozen: not updated)"))
                continue
            first = min(group)
            if (i, j) != first:  # a tied edge: its group's one weight, updated once
                self.new[i, j] = self.new[first]
                self.step("update", f"w_{i},{j}", self.new[i, j], w, op("="),
                          sym("w", f"{first[0]},{first[1]}"), op("="), num(self.new[i, j]),
                          remark("(tied)"))
                continue
            is_bias = all(source == 0 for source, _ in group)
            decay = weight_decay if (not is_bias or decay_bias) else 0.0
            if len(group) > 1:  # ∂J/∂w = the sum over the group
                grad = 0.0
                for key in group:
                    grad += self.grad[key]
                value = reference.descend(w_ij, grad, lr, reference.decay_rate(lr, decay))
                symbolic = [w, op("−"), sym("α"), op("·"), op("("),
                            *_joined([[sym("dJ/dw", f"{a},{b}")] for a, b in group], "+"),
                            op(")")]
                numbers = [num(w_ij), op("−"), num(lr), op("·"), op("("),
                           *_joined([[num(self.grad[key])] for key in group], "+"), op(")")]
                if decay:
                    symbolic += [op("−"), num(2.0), sym("α"), sym("λ"), op("·"), w]
                    numbers += [op("−"), num(reference.decay_rate(lr, decay)), op("·"),
                                num(w_ij)]
                self.new[i, j] = self.r(value)
                self.step("update", f"w_{i},{j}", self.new[i, j], w, op("←"), *symbolic,
                          op("="), *numbers, op("="), num(self.new[i, j]),
                          remark("(tied: one weight)"))
                continue
            rate = reference.decay_rate(lr, decay)
            value = reference.descend(w_ij, self.grad[i, j], lr, rate)
            if self.made("sign", (i, j)):  # the update's sign: w + α ∂J/∂w
                value = reference.descend(w_ij, -self.grad[i, j], lr, rate)
            symbolic = [w, op("−"), sym("α"), op("·"), sym("dJ/dw", f"{i},{j}")]
            numbers = [num(w_ij), op("−"), num(lr), op("·"), num(self.grad[i, j])]
            if decay:
                symbolic += [op("−"), num(2.0), sym("α"), sym("λ"), op("·"), w]
                numbers += [op("−"), num(rate), op("·"), num(w_ij)]
            self.new[i, j] = self.r(value)
            self.step("update", f"w_{i},{j}", self.new[i, j], w, op("←"), *symbolic, op("="),
                      *numbers, op("="), num(self.new[i, j]))

    def neuron_rows(self, plan):
        return [{"j": j, "in_j": self.in_.get(j), "a_j": self.a.get(j),
                 "g′(in_j)": self.g1.get(j), "Δ_j": self.delta.get(j)} for j in plan.order]

    def edge_rows(self, plan):
        return [{"i": n_i.id, "j": n_j.id, "w_ij": edge.weight, "a_i": self.a[n_i.id],
                 "Δ_j": self.delta.get(n_j.id), "∂J/∂w_ij": self.grad.get((n_i.id, n_j.id)),
                 "new w_ij": self.new.get((n_i.id, n_j.id))} for n_i, edge, n_j in plan.edges]



def _sum(products):
    """Tokens of p_1·q_1 + p_2·q_2 + …"""
    tokens = []
    for left, right in products:
        if tokens:
            tokens.append(op("+"))
        tokens += [left, op("·"), right]
    return tokens


def sparsity_slopes(net, plan, sparse, rows):
    """{j: (ρ̂_j, β(−ρ/ρ̂_j + (1 − ρ)/(1 − ρ̂_j)), ρ, β)} with ρ̂_j the mean of a_j over `rows`
    (run through the reference engine; the neurons' values are put back)."""
    saved = net.values()
    sums = [0.0] * len(sparse.neurons)
    try:
        for row in rows:
            reference.forward_propagate(plan, row)
            sums = [s + neuron.a for s, neuron in zip(sums, sparse.neurons)]
    finally:
        net.restore_values(saved)
    rho_hats = [s / len(rows) for s in sums]
    _, slopes = sparse.terms(rho_hats)
    return {neuron.id: (rho_hat, slope, sparse.rho, sparse.beta)
            for neuron, rho_hat, slope in zip(sparse.neurons, rho_hats, slopes)}


class Updated:
    """A weight as a student who updated it too early reads it."""

    __slots__ = ("weight",)

    def __init__(self, weight):
        self.weight = weight


def _joined(terms, symbol):
    """Token lists joined by an operator: t_1 + t_2 + …"""
    tokens = []
    for term in terms:
        if tokens:
            tokens.append(op(symbol))
        tokens += term
    return tokens


def _applied(name, terms):
    """max(t_1, t_2, …)."""
    return [fn(name), op("("), *_joined(terms, ","), op(")")]


def _form(tokens, values):
    """Tokens of a loss's `error_form`: "a" and "y" from `values`, numbers, operators."""
    return [values[t] if t in values else num(t) if isinstance(t, (int, float)) else op(t)
            for t in tokens]


def _factors(terms):
    """(t_1)·(t_2)·…"""
    return _joined([[op("("), *term, op(")")] for term in terms], "·")
