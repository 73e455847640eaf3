import { SilenceWatchdog } from './silence-watchdog';

describe('SilenceWatchdog', () => {
  it('stalls once nothing was heard for longer than the bound', () => {
    const watchdog = new SilenceWatchdog(5_000, 0);
    expect(watchdog.stalled(5_000)).toBe(false);
    expect(watchdog.stalled(5_001)).toBe(true);
    watchdog.heard(5_001);
    expect(watchdog.stalled(10_000)).toBe(false);
  });

  it('does not count a busy handler as silence, and counts from its end', () => {
    const watchdog = new SilenceWatchdog(5_000, 0);
    watchdog.handling(true, 1_000);
    expect(watchdog.stalled(60_000)).toBe(false);
    watchdog.handling(false, 60_000);
    expect(watchdog.stalled(65_000)).toBe(false);
    expect(watchdog.stalled(65_001)).toBe(true);
  });

  it('waits while disconnected and gives a reconnected client the whole bound', () => {
    const watchdog = new SilenceWatchdog(5_000, 0);
    watchdog.disconnected();
    expect(watchdog.stalled(30_000)).toBe(false);
    watchdog.reconnected(30_000);
    expect(watchdog.stalled(35_000)).toBe(false);
    expect(watchdog.stalled(35_001)).toBe(true);
  });
});
