import { TurnSlice } from './turn-slice';

describe('TurnSlice', () => {
  const clockAndTurns = () => {
    let now = 0;
    const closers: Array<() => void> = [];
    const slice = new TurnSlice(
      4,
      () => now,
      (close) => closers.push(close),
    );
    return {
      slice,
      advance: (ms: number) => (now += ms),
      nextTurn: () => closers.splice(0).forEach((close) => close()),
    };
  };

  it('is not overdue at the start of a turn, however long the previous turn ran', () => {
    const { slice, advance, nextTurn } = clockAndTurns();
    expect(slice.overdue()).toBe(false);
    advance(50);
    nextTurn();
    expect(slice.overdue()).toBe(false);
  });

  it('is overdue once the turn has run past its budget, until the next turn', () => {
    const { slice, advance, nextTurn } = clockAndTurns();
    slice.overdue();
    advance(3);
    expect(slice.overdue()).toBe(false);
    advance(2);
    expect(slice.overdue()).toBe(true);
    expect(slice.overdue()).toBe(true);
    nextTurn();
    expect(slice.overdue()).toBe(false);
  });
});
