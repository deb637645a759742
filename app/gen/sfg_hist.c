/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

#include <inttypes.h>

#include "sfg_hist.h"

void
sfg_hist_merge(struct sfg_hist *dst, const struct sfg_hist *src)
{
	unsigned int i;

	for (i = 0; i < SFG_HIST_N; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->max > dst->max)
		dst->max = src->max;
}

/* Lowest value of bucket i and its width. */
static void
sfg_hist_range(unsigned int i, uint64_t *lo, uint64_t *width)
{
	unsigned int oct = i >> SFG_HIST_SUB;
	uint64_t sub = i & ((1u << SFG_HIST_SUB) - 1);

	if (oct == 0) {
		*lo = sub;
		*width = 1;
		return;
	}
	*width = 1ULL << (oct - 1);
	*lo = ((1ULL << SFG_HIST_SUB) | sub) << (oct - 1);
}

uint64_t
sfg_hist_quantile(const struct sfg_hist *h, double q)
{
	uint64_t rank, seen = 0, lo, width, v;
	unsigned int i;

	if (h->count == 0)
		return 0;
	/* The smallest value with at least q of the samples at or below. */
	rank = (uint64_t)(q * (double)h->count + 0.999999);
	if (rank == 0)
		rank = 1;
	for (i = 0; i < SFG_HIST_N; i++) {
		seen += h->b[i];
		if (seen >= rank)
			break;
	}
	if (i == SFG_HIST_N)
		return h->max;
	sfg_hist_range(i, &lo, &width);
	v = lo + width / 2;
	return v > h->max ? h->max : v;
}

void
sfg_hist_json(FILE *f, const struct sfg_hist *h)
{
	fprintf(f, "{\"count\": %" PRIu64 ", \"mean\": %.0f, "
		"\"p50\": %" PRIu64 ", \"p99\": %" PRIu64 ", "
		"\"p999\": %" PRIu64 ", \"max\": %" PRIu64 "}",
		h->count, h->count ? (double)h->sum / (double)h->count : 0.0,
		sfg_hist_quantile(h, 0.5), sfg_hist_quantile(h, 0.99),
		sfg_hist_quantile(h, 0.999), h->max);
}
