"""Writes data/housing.csv: 3,000 synthetic house sales for the housing-price regression example.

Seeded (numpy default_rng(2026)), numpy only, no missing values. The price (thousands) is built
from the features with realistic shapes so a model has something to learn and something it cannot:
  - a per-neighborhood price level per square metre (the string column),
  - floor area with diminishing returns (area ** 0.9), a bonus per bathroom and per bedroom up to 4,
  - depreciation with age that reverses for old houses (historic charm after ~70 years),
  - exponential decay with distance to the centre, a school-rating premium, a crime discount,
  - a lot-size bonus with a square root, and multiplicative (log-normal) noise of about 8 %.
Features are correlated as in real data (bigger houses have more rooms and bigger lots; central
neighborhoods are closer to the centre and have smaller lots).
"""

import os
import sys

import numpy as np

ROWS = 3000
SEED = 2026

# name: (price level in thousands per m^2 ** 0.9, typical distance to centre km, typical lot m^2)
NEIGHBORHOODS = {
    "downtown": (5.2, 1.5, 120),
    "riverside": (4.4, 4.0, 300),
    "university": (3.9, 3.0, 220),
    "old-town": (4.0, 2.5, 180),
    "suburbs": (2.9, 12.0, 650),
    "industrial": (2.2, 7.0, 400),
}
SHARE = [0.12, 0.15, 0.13, 0.14, 0.34, 0.12]


def generate(rng: np.random.Generator, rows: int) -> dict:
    names = list(NEIGHBORHOODS)
    hood = rng.choice(len(names), size=rows, p=SHARE)
    level = np.array([NEIGHBORHOODS[n][0] for n in names])[hood]
    typical_km = np.array([NEIGHBORHOODS[n][1] for n in names])[hood]
    typical_lot = np.array([NEIGHBORHOODS[n][2] for n in names])[hood]

    area = np.clip(rng.lognormal(np.log(115), 0.35, rows), 35, 420)
    bedrooms = np.clip(np.round(area / 38 + rng.normal(0, 0.7, rows)), 1, 7).astype(np.int64)
    bathrooms = np.clip(np.round((bedrooms * 0.55 + rng.normal(0.3, 0.45, rows)) * 2) / 2, 1, 5)
    age = np.clip(np.round(rng.gamma(2.2, 16, rows)), 0, 140).astype(np.int64)
    distance = np.clip(typical_km * rng.lognormal(0, 0.4, rows), 0.2, 40)
    lot = np.clip(typical_lot * (area / 115) * rng.lognormal(0, 0.3, rows), 40, 5000)
    school = np.clip(rng.normal(6.5, 1.6, rows) - 0.05 * distance, 1, 10)
    crime = np.clip(rng.gamma(2.0, 1.2, rows) + np.where(hood == names.index("industrial"), 2.0, 0), 0, 20)

    age_effect = np.where(age < 70, -0.0042 * age, -0.0042 * 70 + 0.0025 * (age - 70))
    log_price = (
        np.log(level * area**0.9)
        + 0.05 * (bathrooms - 1)
        + 0.03 * np.minimum(bedrooms, 4)
        + age_effect
        + 0.35 * np.exp(-distance / 5)
        + 0.045 * (school - 6.5)
        - 0.03 * crime
        + 0.04 * np.sqrt(lot / 100)
    )
    price = np.exp(log_price + rng.normal(0, 0.08, rows))

    return {
        "area_sqm": np.round(area, 1),
        "bedrooms": bedrooms,
        "bathrooms": bathrooms,
        "age_years": age,
        "lot_sqm": np.round(lot, 0),
        "distance_km": np.round(distance, 2),
        "school_rating": np.round(school, 1),
        "crime_index": np.round(crime, 2),
        "neighborhood": np.array(names)[hood],
        "price": np.round(price, 1),
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
    path = os.path.join(here, "data", "housing.csv")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    write_csv(path, columns)
    print(f"wrote {rows} rows to {path} ({os.path.getsize(path):,} bytes)")


if __name__ == "__main__":
    main()
