import { rssSeries } from './soak.scenario';

const series = (values: number[]) => values.map((rssMiB, i) => ({ atSeconds: i * 10, rssMiB }));

describe('rssSeries', () => {
  it('judges growth on medians after the settling time, so a GC sawtooth is not growth', () => {
    const saw = series([50, 100, 120, 100, 120, 100, 120, 100, 120, 100]);
    expect(rssSeries('svc', saw, 10_000)).toMatchObject({ settledMiB: 100, finalMiB: 100, growthPercent: 0 });
  });

  it('shows steady growth', () => {
    const leak = series([50, 100, 105, 110, 115, 120, 125, 130, 135, 140]);
    expect(rssSeries('svc', leak, 10_000)).toMatchObject({ settledMiB: 100, finalMiB: 135, maxMiB: 140 });
  });
});
