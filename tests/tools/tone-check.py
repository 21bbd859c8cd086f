#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""tone-check.py FILE.wav --expect HZ [options]: is FILE a recording of a
steady tone of HZ?  For the end-to-end media tests (a call where each side
sends tone:<hz> and records what it receives).

Reports, for the part of the file after --skip seconds:
  - the Goertzel power ratio at HZ: the share of the signal's energy at
    that frequency, 1.0 for a pure tone, ~0 when the tone is absent
    (energy-weighted over 100 ms blocks);
  - the frequency measured by counting zero crossings (a cross-check that
    also catches a tone played at the wrong rate);
  - silence %: 5 ms blocks below -40 dBFS between the first and the last
    sound (lost packets, gaps, muting).
Exit status 0 when ratio >= --min-ratio, |measured - HZ| <= --tolerance and
silence <= --max-silence; 1 otherwise; 2 for a file that cannot be read.

Standard library only (wave, struct, math).  16-bit PCM; stereo files are
mixed down.
"""

import argparse
import math
import struct
import sys
import wave


def read_wav(path):
    with wave.open(path, 'rb') as w:
        channels = w.getnchannels()
        width = w.getsampwidth()
        rate = w.getframerate()
        frames = w.readframes(w.getnframes())
    if width != 2:
        raise ValueError('%s: %d-bit samples; only 16-bit PCM is supported' % (path, width * 8))
    count = len(frames) // 2
    samples = struct.unpack('<%dh' % count, frames[:count * 2])
    if channels > 1:
        samples = [sum(samples[i:i + channels]) / channels for i in range(0, len(samples), channels)]
    return rate, [s / 32768.0 for s in samples]


def goertzel_ratio(block, rate, hz):
    """Power at hz relative to a pure tone of the block's energy."""
    coeff = 2 * math.cos(2 * math.pi * hz / rate)
    s1 = s2 = 0.0
    energy = 0.0
    for x in block:
        s1, s2 = x + coeff * s1 - s2, s1
        energy += x * x
    if energy == 0:
        return 0.0, 0.0
    power = s1 * s1 + s2 * s2 - coeff * s1 * s2
    return power / (len(block) / 2.0 * energy), energy


def tone_ratio(samples, rate, hz):
    block = max(rate // 10, 1)
    weighted = total = 0.0
    for start in range(0, len(samples) - block + 1, block):
        ratio, energy = goertzel_ratio(samples[start:start + block], rate, hz)
        weighted += ratio * energy
        total += energy
    return weighted / total if total else 0.0


def zero_crossing_hz(samples, rate):
    crossings = sum(1 for a, b in zip(samples, samples[1:]) if (a < 0) != (b < 0))
    return crossings / 2.0 / (len(samples) / rate) if samples else 0.0


def silence_percent(samples, rate, threshold=0.01):
    block = max(rate // 200, 1)
    quiet = []
    for start in range(0, len(samples) - block + 1, block):
        chunk = samples[start:start + block]
        quiet.append(math.sqrt(sum(x * x for x in chunk) / block) < threshold)
    loud = [i for i, q in enumerate(quiet) if not q]
    if not loud:
        return 100.0
    span = quiet[loud[0]:loud[-1] + 1]
    return 100.0 * sum(span) / len(span)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('file', help='a 16-bit PCM WAV file')
    parser.add_argument('--expect', type=float, required=True, metavar='HZ', help='the tone expected')
    parser.add_argument('--tolerance', type=float, default=5.0, metavar='HZ',
                        help='how far the zero-crossing frequency may be from HZ (default 5)')
    parser.add_argument('--min-ratio', type=float, default=0.6,
                        help='lowest Goertzel power ratio accepted (default 0.6)')
    parser.add_argument('--max-silence', type=float, default=5.0, metavar='PERCENT',
                        help='most silence accepted (default 5)')
    parser.add_argument('--skip', type=float, default=0.2, metavar='SECONDS',
                        help='ignore the start (jitter-buffer fill, default 0.2)')
    parser.add_argument('--min-length', type=float, default=0.5, metavar='SECONDS',
                        help='shortest recording accepted (default 0.5)')
    args = parser.parse_args()

    try:
        rate, samples = read_wav(args.file)
    except (OSError, EOFError, ValueError, wave.Error) as e:
        print('tone-check: %s' % e, file=sys.stderr)
        return 2
    length = len(samples) / rate if rate else 0.0
    body = samples[int(args.skip * rate):]
    ratio = tone_ratio(body, rate, args.expect)
    measured = zero_crossing_hz(body, rate)
    silence = silence_percent(body, rate)
    problems = []
    if length < args.min_length:
        problems.append('%.2f s long, shorter than %.2f s' % (length, args.min_length))
    if ratio < args.min_ratio:
        problems.append('power ratio %.3f below %.3f' % (ratio, args.min_ratio))
    if abs(measured - args.expect) > args.tolerance:
        problems.append('measured %.1f Hz, expected %.1f ± %.1f' % (measured, args.expect, args.tolerance))
    if silence > args.max_silence:
        problems.append('%.1f %% silence, more than %.1f %%' % (silence, args.max_silence))
    print('%s: %d Hz, %.2f s, %.0f Hz power ratio %.3f, zero-crossing %.1f Hz, silence %.1f %%: %s'
          % (args.file, rate, length, args.expect, ratio, measured, silence,
             'ok' if not problems else 'FAIL (' + '; '.join(problems) + ')'))
    return 0 if not problems else 1


if __name__ == '__main__':
    sys.exit(main())
