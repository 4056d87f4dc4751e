"""Generates the shipped sample data: a credit-scoring training set and a drifted copy.

Deterministic (fixed seed), standard library only. Run from this folder:
    python3 generate.py
"""
import csv
import math
import random


def rows(rng, n, drift):
    regions = ["north", "south", "east", "west"]
    region_weights = [0.4, 0.3, 0.2, 0.1] if not drift else [0.2, 0.2, 0.2, 0.4]
    employment = ["salaried", "self_employed", "contractor", "unemployed"]
    for _ in range(n):
        age = max(18.0, rng.gauss(41 + (6 if drift else 0), 11))
        income = math.exp(rng.gauss(10.8 + (0.25 if drift else 0.0), 0.45))
        score = min(850.0, max(300.0, rng.gauss(680 - (25 if drift else 0), 60)))
        debt_ratio = min(1.0, max(0.0, rng.betavariate(2, 5 if not drift else 3)))
        accounts = rng.randint(1, 12)
        loan = rng.gauss(15000, 4000)  # unchanged feature: should not alert
        yield {
            "age": round(age, 1),
            "income": round(income, 2),
            "credit_score": round(score),
            "debt_ratio": round(debt_ratio, 4),
            "num_accounts": accounts,
            "loan_amount": round(loan, 2) if rng.random() > 0.01 else "",
            "region": rng.choices(regions, region_weights)[0],
            "employment": rng.choices(employment, [0.6, 0.2, 0.15, 0.05])[0],
        }


def write(path, seed, n, drift):
    rng = random.Random(seed)
    data = list(rows(rng, n, drift))
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(data[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(data)


if __name__ == "__main__":
    write("credit_train.csv", 7, 20000, drift=False)
    write("credit_live.csv", 8, 5000, drift=False)
    write("credit_drifted.csv", 9, 5000, drift=True)
