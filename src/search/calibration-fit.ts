/**
 * A logistic regression whose coefficients must have the signs given (1: at least 0, -1: at most 0,
 * 0: either): a feature whose fitted weight comes out the wrong way (which, with a few hundred
 * questions and correlated signals, says more about the sample than about the signal) is left out
 * and the rest refitted, until every weight points the way the signal does. Returns the bias first.
 */
export function fitSignedLogistic(rows: number[][], labels: number[], signs: readonly (1 | -1 | 0)[]): number[] {
  let kept = signs.map((_, index) => index);
  for (;;) {
    const beta = fitLogistic(
      rows.map((row) => kept.map((index) => row[index]!)),
      labels,
    );
    const wrong = kept.filter((index, position) => signs[index]! * beta[position + 1]! < 0);
    if (wrong.length === 0) {
      const full = new Array<number>(signs.length + 1).fill(0);
      full[0] = beta[0]!;
      kept.forEach((index, position) => (full[index + 1] = beta[position + 1]!));
      return full;
    }
    // Leave out the most wrong one first: the others may come right without it.
    const worst = wrong.reduce((a, b) => (Math.abs(beta[kept.indexOf(a) + 1]!) >= Math.abs(beta[kept.indexOf(b) + 1]!) ? a : b));
    kept = kept.filter((index) => index !== worst);
  }
}

/**
 * Fitting the confidence model: logistic regression by iteratively reweighted least squares (a few
 * Newton steps; the model has five coefficients), with a small ridge penalty so that a feature
 * that separates the tuning questions perfectly cannot push its weight to infinity.
 */
export function fitLogistic(rows: number[][], labels: number[], ridge = 0.01, iterations = 25): number[] {
  const width = (rows[0]?.length ?? 0) + 1;
  const x = rows.map((row) => [1, ...row]);
  let beta = new Array<number>(width).fill(0);
  for (let step = 0; step < iterations; step++) {
    const gradient = new Array<number>(width).fill(0);
    const hessian = Array.from({ length: width }, () => new Array<number>(width).fill(0));
    x.forEach((row, i) => {
      const p = 1 / (1 + Math.exp(-row.reduce((sum, value, j) => sum + value * beta[j]!, 0)));
      const w = Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j < width; j++) {
        gradient[j]! += (labels[i]! - p) * row[j]!;
        for (let k = 0; k < width; k++) hessian[j]![k]! += w * row[j]! * row[k]!;
      }
    });
    for (let j = 1; j < width; j++) {
      gradient[j]! -= ridge * beta[j]!;
      hessian[j]![j]! += ridge;
    }
    const delta = solve(hessian, gradient);
    beta = beta.map((value, j) => value + delta[j]!);
    if (Math.max(...delta.map(Math.abs)) < 1e-8) break;
  }
  return beta;
}

/** Solves A·x = b by Gaussian elimination with partial pivoting (A is small and symmetric positive definite). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++) if (Math.abs(m[row]![col]!) > Math.abs(m[pivot]![col]!)) pivot = row;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const diagonal = m[col]![col]! || 1e-12;
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const factor = m[row]![col]! / diagonal;
      for (let k = col; k <= n; k++) m[row]![k]! -= factor * m[col]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / (row[i]! || 1e-12));
}
