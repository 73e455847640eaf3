import { percentiles } from './stats';

describe('percentiles', () => {
  it('takes the nearest rank of the sorted samples', () => {
    const samples = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    expect(percentiles(samples)).toEqual({ count: 1000, p50: 500, p99: 990, p999: 999, max: 1000 });
  });

  it('drops samples that are not numbers, such as deliveries without a publish time', () => {
    expect(percentiles([3, Number.NaN, 1, 2])).toMatchObject({ count: 3, p50: 2, max: 3 });
  });

  it('answers NaN when nothing was measured', () => {
    expect(percentiles([]).p99).toBeNaN();
  });
});
