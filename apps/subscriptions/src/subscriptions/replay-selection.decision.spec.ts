import { latestFailed } from './replay-selection.decision';

describe('latestFailed', () => {
  it('selects dispatches whose latest finished round failed', () => {
    const selected = latestFailed([
      { dispatchId: 'dsp_a', round: '', outcome: 'failed' },
      { dispatchId: 'dsp_b', round: '', outcome: 'failed' },
      { dispatchId: 'dsp_b', round: 'rnd_01', outcome: 'succeeded' },
      { dispatchId: 'dsp_c', round: 'rnd_02', outcome: 'failed' },
      { dispatchId: 'dsp_c', round: 'rnd_01', outcome: 'succeeded' },
      { dispatchId: 'dsp_d', round: '', outcome: 'succeeded' },
    ]);
    expect([...selected].sort()).toEqual(['dsp_a', 'dsp_c']);
  });

  it('lets the later fact of the same round win', () => {
    const selected = latestFailed([
      { dispatchId: 'dsp_a', round: 'rnd_1', outcome: 'succeeded' },
      { dispatchId: 'dsp_a', round: 'rnd_1', outcome: 'failed' },
    ]);
    expect([...selected]).toEqual(['dsp_a']);
  });
});
