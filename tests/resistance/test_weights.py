"""AHP on Saaty's published matrices, the entropy weight method by hand, PCA weights on analytic cases."""

from __future__ import annotations

import numpy as np
import pytest

from econet.resistance.weights import SAATY_RI, ahp, ahp_checked, check_given, entropy_weights, pca_weights

# Saaty, T.L. (1990) "How to make a decision: The analytic hierarchy process", European Journal
# of Operational Research 48:9-26, the house-buying example. Criteria: size, transportation,
# neighbourhood, age, yard space, modern facilities, general condition, financing. Published:
# priorities .173 .054 .188 .018 .031 .036 .167 .333, lambda_max = 9.669, CI = 0.238, CR = 0.169.
HOUSE_CRITERIA = [
    [1, 5, 3, 7, 6, 6, "1/3", "1/4"],
    ["1/5", 1, "1/3", 5, 3, 3, "1/5", "1/7"],
    ["1/3", 3, 1, 6, 3, 4, 6, "1/5"],
    ["1/7", "1/5", "1/6", 1, "1/3", "1/4", "1/7", "1/8"],
    ["1/6", "1/3", "1/3", 3, 1, "1/2", "1/5", "1/6"],
    ["1/6", "1/3", "1/4", 4, 2, 1, "1/5", "1/6"],
    [3, 5, "1/6", 7, 5, 5, 1, "1/2"],
    [4, 7, 5, 8, 6, 6, 2, 1],
]
CRITERIA = ["size", "transport", "neighbourhood", "age", "yard", "facilities", "condition", "financing"]
# Same paper, houses A, B, C compared on yard space: .674 .101 .226, lambda_max 3.086, CI .043, CR .074.
YARD_SPACE = [[1, 5, 4], ["1/5", 1, "1/3"], ["1/4", 3, 1]]


def test_ahp_saaty_1990_criteria_matrix():
    res = ahp(HOUSE_CRITERIA)
    assert np.round(res.weights, 3).tolist() == [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    assert round(res.lambda_max, 3) == 9.669
    assert round(res.ci, 3) == 0.238
    assert res.ri == 1.41 and round(res.cr, 3) == 0.169


def test_ahp_saaty_1990_yard_space_is_consistent():
    res = ahp_checked(YARD_SPACE, ["A", "B", "C"])
    assert np.round(res.weights, 3).tolist() == [0.674, 0.101, 0.226]
    assert round(res.lambda_max, 3) == 3.086 and round(res.ci, 3) == 0.043 and round(res.cr, 3) == 0.074


def test_ahp_inconsistent_matrix_is_an_error_naming_the_worst_judgements():
    with pytest.raises(ValueError) as info:
        ahp_checked(HOUSE_CRITERIA, CRITERIA)
    msg = str(info.value)
    assert "CR = 0.169 >= 0.1" in msg
    # The largest |ln(a_ij w_j / w_i)|: neighbourhood is judged 6x general condition, the weights say ~1.1.
    first = msg.split("first: ")[1].split(";")[0]
    assert first.startswith("neighbourhood vs condition = 6")


def test_ahp_consistent_matrix_and_ri_table():
    w = np.array([0.5, 0.3, 0.2])
    res = ahp(w[:, None] / w[None, :])
    assert np.allclose(res.weights, w) and abs(res.cr) < 1e-9 and abs(res.lambda_max - 3) < 1e-9
    assert SAATY_RI[3] == 0.58 and SAATY_RI[9] == 1.45 and SAATY_RI[10] == 1.49


def test_ahp_rejects_bad_matrices():
    with pytest.raises(ValueError, match="reciprocal"):
        ahp([[1, 3], [3, 1]])
    with pytest.raises(ValueError, match="diagonal"):
        ahp([[2, 3], ["1/3", 1]])
    with pytest.raises(ValueError, match="positive"):
        ahp([[1, -3], ["-1/3", 1]])
    with pytest.raises(ValueError, match="fraction"):
        ahp([[1, "three"], ["1/3", 1]])
    assert ahp([[1, 3], [0.33, 1]]).weights[0] == pytest.approx(0.75, abs=2e-3)  # 0.33 read as 1/3


def test_entropy_weights_hand_computation():
    x = np.array([[1.0, 2.0], [3.0, 2.0], [5.0, 8.0]])
    # Min-max: column 1 -> 0, .5, 1 ; column 2 -> 0, 0, 1.
    # p1 = 0, 1/3, 2/3 -> e1 = -(1/3 ln 1/3 + 2/3 ln 2/3) / ln 3 ; p2 = 0, 0, 1 -> e2 = 0.
    e1 = -(1 / 3 * np.log(1 / 3) + 2 / 3 * np.log(2 / 3)) / np.log(3)
    d1, d2 = 1 - e1, 1.0
    w = entropy_weights(x)
    assert np.allclose(w, [d1 / (d1 + d2), d2 / (d1 + d2)])
    assert np.isclose(w[0], 0.2961, atol=1e-4)  # e1 = 0.5794, d1 = 0.4206, 0.4206 / 1.4206


def test_entropy_constant_column_gets_zero_weight():
    x = np.array([[1.0, 4.0], [2.0, 4.0], [4.0, 4.0]])
    assert entropy_weights(x).tolist() == [1.0, 0.0]
    with pytest.raises(ValueError, match="constant"):
        entropy_weights(np.ones((4, 2)))


def test_pca_weights_analytic_cases():
    rng = np.random.default_rng(1)
    # Two exchangeable correlated factors: equal weights by symmetry.
    z = rng.standard_normal((5000, 2))
    x = np.column_stack([z[:, 0] + 0.5 * z[:, 1], z[:, 1] + 0.5 * z[:, 0]])
    x = np.vstack([x, x[:, ::-1]])  # exactly exchangeable sample
    w, share = pca_weights(x)
    r = np.corrcoef(x.T)[0, 1]
    assert np.allclose(w, [0.5, 0.5]) and np.allclose(share, [(1 + r) / 2])  # one component: (1 + r)/2 >= 85 %
    # One factor a copy of another, a third independent: r = 1 gives eigenvalues (2, 1, 0); the
    # first two components explain 100 %. Coefficients |v|: PC1 = (1/√2, 1/√2, 0), PC2 = (0, 0, 1);
    # scores = (2/3 · 1/√2, 2/3 · 1/√2, 1/3) normalised.
    a, b = rng.standard_normal(20000), rng.standard_normal(20000)
    a, b = a - a.mean(), b - b.mean()
    b = b - a * (a @ b) / (a @ a)  # exactly uncorrelated with a
    w, share = pca_weights(np.column_stack([a, a, b]), min_variance_share=0.99)
    s = np.array([2 / 3 / np.sqrt(2), 2 / 3 / np.sqrt(2), 1 / 3])
    assert np.allclose(share, [2 / 3, 1 / 3]) and np.allclose(w, s / s.sum())


def test_given_weights_must_sum_to_one():
    assert check_given({"a": 0.25, "b": 0.75}) == {"a": 0.25, "b": 0.75}
    with pytest.raises(ValueError, match="sum to 1.05"):
        check_given({"a": 0.35, "b": 0.7})
    with pytest.raises(ValueError, match="negative"):
        check_given({"a": -0.5, "b": 1.5})
