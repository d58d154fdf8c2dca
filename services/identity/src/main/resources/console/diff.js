// A line diff (longest common subsequence), for showing a policy edit before it is saved.

/** [{op: "same"|"add"|"del", line}] turning a into b. */
export function diffLines(a, b) {
  const x = a.split("\n");
  const y = b.split("\n");
  const n = x.length;
  const m = y.length;
  if (n * m > 4_000_000) {
    return [...x.map((line) => ({op: "del", line})), ...y.map((line) => ({op: "add", line}))];
  }
  const table = Array.from({length: n + 1}, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i][j] = x[i] === y[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const out = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      out.push({op: "same", line: x[i]});
      i++;
      j++;
    } else if (table[i + 1][j] >= table[i][j + 1]) {
      out.push({op: "del", line: x[i++]});
    } else {
      out.push({op: "add", line: y[j++]});
    }
  }
  while (i < n) out.push({op: "del", line: x[i++]});
  while (j < m) out.push({op: "add", line: y[j++]});
  return out;
}

/** The changes with up to {@code context} unchanged lines around each. */
export function hunks(ops, context = 3) {
  const keep = new Array(ops.length).fill(false);
  ops.forEach((o, k) => {
    if (o.op !== "same") {
      for (let d = -context; d <= context; d++) {
        if (k + d >= 0 && k + d < ops.length) keep[k + d] = true;
      }
    }
  });
  const out = [];
  let skipped = false;
  ops.forEach((o, k) => {
    if (keep[k]) {
      out.push(o);
      skipped = false;
    } else if (!skipped) {
      out.push({op: "skip", line: "⋯"});
      skipped = true;
    }
  });
  return out;
}
