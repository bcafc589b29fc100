"""Writes data/churn.csv: 4,000 synthetic telecom customers for the telco-churn classification example.

Seeded (numpy default_rng(7)), numpy only, no missing values. Whether a customer churned ("yes"/"no",
about 26 % yes) is drawn from a logistic model of the columns, so the relationships are real but noisy:
  - month-to-month contracts churn far more than one- and two-year ones,
  - churn falls with tenure (log-shaped: the first months are the riskiest),
  - fiber customers with high monthly charges churn more; customers without internet churn least,
  - electronic-check payers churn more than automatic payers (bank transfer, credit card),
  - each support call raises the risk; seniors churn a little more.
Columns are correlated as in real data (monthly charges depend on the internet service and the number
of extra services; total charges are about tenure x monthly charges; long contracts have longer tenure).
"""

import os
import sys

import numpy as np

ROWS = 4000
SEED = 7

CONTRACTS = ["month-to-month", "one-year", "two-year"]
PAYMENTS = ["electronic-check", "mailed-check", "bank-transfer", "credit-card"]
INTERNET = ["fiber", "dsl", "none"]


def generate(rng: np.random.Generator, rows: int) -> dict:
    contract = rng.choice(3, size=rows, p=[0.55, 0.24, 0.21])
    internet = rng.choice(3, size=rows, p=[0.44, 0.34, 0.22])
    # automatic payment is more common on long contracts
    payment_p = np.where(contract[:, None] == 0, [0.45, 0.2, 0.18, 0.17], [0.15, 0.2, 0.33, 0.32])
    payment = (rng.random(rows)[:, None] > np.cumsum(payment_p, axis=1)).sum(axis=1)

    tenure_scale = np.array([14.0, 32.0, 48.0])[contract]
    tenure = np.clip(np.round(rng.exponential(tenure_scale)), 0, 72).astype(np.int64)
    extra_services = rng.binomial(4, np.array([0.45, 0.4, 0.1])[internet]).astype(np.int64)
    base_charge = np.array([72.0, 48.0, 20.0])[internet]
    monthly = np.clip(base_charge + 6.5 * extra_services + rng.normal(0, 6, rows), 18.25, 120)
    total = np.clip(tenure * monthly * rng.normal(1.0, 0.04, rows), 0, None)
    support_calls = rng.poisson(0.8 + 0.6 * (internet == 0) + 0.02 * np.maximum(0, 24 - tenure)).astype(np.int64)
    senior = (rng.random(rows) < 0.16).astype(np.int64)
    data_gb = np.clip(rng.gamma(2.0, np.array([60.0, 25.0, 0.5])[internet]), 0, None)

    logit = (
        -0.7
        + np.array([0.0, -1.3, -2.4])[contract]
        - 0.55 * np.log1p(tenure / 6.0)
        + np.array([0.55, 0.0, -0.7])[internet]
        + 0.018 * (monthly - 65)
        + np.array([0.6, 0.05, -0.2, -0.2])[payment]
        + 0.32 * support_calls
        + 0.3 * senior
    )
    churned = rng.random(rows) < 1 / (1 + np.exp(-logit))

    return {
        "tenure_months": tenure,
        "monthly_charges": np.round(monthly, 2),
        "total_charges": np.round(total, 2),
        "support_calls": support_calls,
        "extra_services": extra_services,
        "data_usage_gb": np.round(data_gb, 1),
        "senior": senior,
        "contract": np.array(CONTRACTS)[contract],
        "payment_method": np.array(PAYMENTS)[payment],
        "internet": np.array(INTERNET)[internet],
        "churned": np.where(churned, "yes", "no"),
    }


def write_csv(path: str, columns: dict) -> None:
    names = list(columns)
    rows = len(columns[names[0]])
    cells = {name: [fmt(v) for v in values] for name, values in columns.items()}
    with open(path, "w", newline="\n") as out:
        out.write(",".join(names) + "\n")
        for i in range(rows):
            out.write(",".join(cells[name][i] for name in names) + "\n")


def fmt(value) -> str:
    if isinstance(value, (np.integer, int)):
        return str(int(value))
    if isinstance(value, (np.floating, float)):
        return repr(float(value)).removesuffix(".0") if float(value).is_integer() else repr(float(value))
    return str(value)


def main() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    columns = generate(np.random.default_rng(SEED), rows)
    assert not any(np.isnan(v).any() for v in columns.values() if v.dtype.kind == "f"), "no NaNs"
    path = os.path.join(here, "data", "churn.csv")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_csv(path, columns)
    print(f"wrote {rows} rows to {path} ({os.path.getsize(path):,} bytes)")


if __name__ == "__main__":
    main()
