/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The synfront authors
 */

/*
 * Counter names and descriptions, from the one list in sf_counters.h
 * (docs/counters.md is generated from it too).
 */

#include <stddef.h>
#include <string.h>

#include "sf_counters.h"

#define SF_COUNTER_NAME(name, desc) #name,
#define SF_COUNTER_DESC(name, desc) desc,
static const char *const sf_counter_names[SF_CNT_MAX] = {
	SF_COUNTER_LIST(SF_COUNTER_NAME)
};
static const char *const sf_counter_descs[SF_CNT_MAX] = {
	SF_COUNTER_LIST(SF_COUNTER_DESC)
};

const char *
sf_counter_name(enum sf_counter c)
{
	return (unsigned int)c < SF_CNT_MAX ? sf_counter_names[c] : NULL;
}

const char *
sf_counter_desc(enum sf_counter c)
{
	return (unsigned int)c < SF_CNT_MAX ? sf_counter_descs[c] : NULL;
}

int
sf_counter_is_drop(enum sf_counter c)
{
	const char *n = sf_counter_name(c);

	return n != NULL && (strncmp(n, "drop_", 5) == 0 ||
			     c == SF_CNT_tx_dropped ||
			     c == SF_CNT_tx_handoff_dropped);
}
