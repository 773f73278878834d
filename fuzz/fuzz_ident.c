/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz: identifier validation and normal forms (src/match/ident.c): phone
 * numbers, IBANs, e-mail addresses, IMO and MMSI numbers, plates and document
 * numbers, wallets. The first byte picks the kind. A normal form is a fixed
 * point: validating it again gives it back, or two spellings of one
 * identifier would not match.
 */
#include "fuzz.h"
#include "match/match.h"

static int ident(char *out, size_t outsz, int kind, const char *in)
{
	switch (kind) {
	case 0: return cu_ident_phone(out, in, NULL);
	case 1: return cu_ident_phone(out, in, "SE");
	case 2: return cu_ident_iban(out, in);
	case 3: return cu_ident_email(out, outsz, in);
	case 4: return cu_ident_imo(out, in);
	case 5: return cu_ident_mmsi(out, in);
	case 6: return cu_ident_code(out, outsz, in);
	default: return cu_ident_wallet(out, outsz, in);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Each kind's out is at least this large (phone 17, IBAN 35, ...). */
	char out[512], again[512];
	if (size < 1)
		return 0;
	int kind = data[0] % 8;
	char *in = fuzz_str(data + 1, size - 1);
	if (ident(out, sizeof(out), kind, in) == 0) {
		FUZZ_ASSERT(ident(again, sizeof(again), kind, out) == 0);
		FUZZ_ASSERT(!strcmp(out, again));
	}
	free(in);
	return 0;
}
