/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#ifndef SFG_HIST_H
#define SFG_HIST_H

/*
 * Latency histogram with log-linear buckets (as HdrHistogram lays them
 * out): 2^SFG_HIST_SUB buckets per power of two, so a value is kept to
 * within 1/2^SFG_HIST_SUB (3 %) of itself, from 1 ns to 2^40 ns (18 min).
 * Recording is a count-leading-zeros, two shifts and an add.
 */

#include <stdint.h>
#include <stdio.h>

#define SFG_HIST_SUB 5
#define SFG_HIST_OCT 41
#define SFG_HIST_N ((SFG_HIST_OCT + 1) << SFG_HIST_SUB)

struct sfg_hist {
	uint64_t count;
	uint64_t sum;      /* ns, for the mean */
	uint64_t max;
	uint64_t b[SFG_HIST_N];
};

static inline unsigned int
sfg_hist_bucket(uint64_t v)
{
	unsigned int msb, oct;

	if (v < (1u << SFG_HIST_SUB))
		return (unsigned int)v;
	msb = 63 - (unsigned int)__builtin_clzll(v);
	oct = msb - SFG_HIST_SUB + 1;
	if (oct > SFG_HIST_OCT)
		return SFG_HIST_N - 1;
	return (oct << SFG_HIST_SUB) |
		(unsigned int)((v >> (msb - SFG_HIST_SUB)) &
			((1u << SFG_HIST_SUB) - 1));
}

static inline void
sfg_hist_add(struct sfg_hist *h, uint64_t v)
{
	h->b[sfg_hist_bucket(v)]++;
	h->count++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
}

/* Merge src into dst. */
void sfg_hist_merge(struct sfg_hist *dst, const struct sfg_hist *src);

/*
 * The value at quantile q (0..1): the midpoint of the bucket that holds
 * it, capped at the maximum seen. 0 when empty.
 */
uint64_t sfg_hist_quantile(const struct sfg_hist *h, double q);

/* Write {"count":..,"mean":..,"p50":..,"p99":..,"p999":..,"max":..}. */
void sfg_hist_json(FILE *f, const struct sfg_hist *h);

#endif /* SFG_HIST_H */
