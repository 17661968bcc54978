// The bench's statistics: nearest-rank percentiles and the spacing deviation.
import { describe, expect, it } from "vitest";
import { meanAbsDeviation, median, percentile, round } from "@/bench/stats";

describe("bench statistics", () => {
  it("takes nearest-rank percentiles without reordering the input", () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile(samples, 0)).toBe(1);
    expect(samples[0]).toBe(5);
    expect(median([3])).toBe(3);
    expect(percentile([], 50)).toBeNaN();
  });

  it("measures spacing as the mean absolute deviation from the interval", () => {
    expect(meanAbsDeviation([20, 22, 18, 20], 20)).toBe(1);
  });

  it("rounds for display and turns non-numbers into null", () => {
    expect(round(1.23456, 2)).toBe(1.23);
    expect(round(Number.NaN)).toBeNull();
  });
});
