import { validTraceparent } from './trace';

describe('validTraceparent', () => {
  const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('keeps a well-formed traceparent', () => {
    expect(validTraceparent(valid)).toBe(valid);
    expect(validTraceparent(` ${valid} `)).toBe(valid);
  });

  it.each([
    ['absent', undefined],
    ['not a string', 42],
    ['empty', ''],
    ['uppercase hex', valid.toUpperCase()],
    ['version ff', valid.replace(/^00/, 'ff')],
    ['all-zero trace id', '00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['all-zero parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['short trace id', '00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01'],
    ['a header injection', `${valid}\r\nx-evil: 1`],
  ])('drops %s', (_label, value) => {
    expect(validTraceparent(value)).toBeUndefined();
  });
});
