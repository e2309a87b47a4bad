#!/usr/bin/env python3
"""Fits tanh(u) ~ u P(u^2) / Q(u^2) on [0, 9] (P degree 6, Q degree 3) for least maximum relative error.

The float32 GELU (src/main/java/dev/lora/model/Gelu.java) uses these coefficients: a rational function
needs only multiply, add and divide, which the JIT turns into SIMD code, where exp/tanh calls stay scalar.
Method: Sanathanan-Koerner iterations (linear least squares weighted by the previous denominator) on
u^2 / 81, then Lawson reweighting towards the minimax solution. Prints the coefficients in powers of u^2
and the errors in float64 and in float32 evaluation. Needs numpy only.
"""
import numpy as np

SCALE = 81.0
N_P, N_Q = 7, 4


def design(s, f):
    return np.hstack([s[:, None] ** np.arange(N_P), -(f[:, None] * s[:, None] ** np.arange(1, N_Q))])


def main():
    u = np.linspace(1e-4, 9, 400000)
    f = np.tanh(u) / u
    s = u * u / SCALE
    q_prev = np.ones_like(u)
    best = None
    weights = np.ones_like(u)
    for it in range(100):
        lawson = it >= 40
        w = (np.sqrt(weights) if lawson else 1.0) / (f * q_prev)
        coef, *_ = np.linalg.lstsq(design(s, f) * w[:, None], f * w, rcond=None)
        p, q = coef[:N_P], np.concatenate([[1.0], coef[N_P:]])
        q_prev = np.polyval(q[::-1], s)
        err = np.abs(np.polyval(p[::-1], s) / q_prev - f) / f
        if best is None or err.max() < best[0]:
            best = (err.max(), p, q)
        if lawson:
            weights = weights * err
            weights /= weights.sum()
    err, p, q = best
    pt = [float(np.float32(c / SCALE ** k)) for k, c in enumerate(p)]
    qt = [float(np.float32(c / SCALE ** k)) for k, c in enumerate(q)]
    print("max relative error (float64):", err)
    print("P (u^0, u^2, ...):", pt)
    print("Q (u^0, u^2, ...):", qt)
    u32 = np.linspace(-9, 9, 2000001).astype(np.float32)
    t32 = u32 * u32
    num = np.float32(0)
    for c in pt[::-1]:
        num = num * t32 + np.float32(c)
    den = np.float32(0)
    for c in qt[::-1]:
        den = den * t32 + np.float32(c)
    approx = np.clip(u32 * num / den, -1, 1)
    print("max abs error, float32 evaluation:", np.max(np.abs(approx - np.tanh(u32.astype(np.float64)))))


if __name__ == "__main__":
    main()
