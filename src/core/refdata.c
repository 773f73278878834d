/* SPDX-License-Identifier: Apache-2.0 */
/* core: the reference data shipped with the platform (docs/domain.md). */
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

static const struct {
	const char *code, *label;
} crime_types[] = {
	{"swindling_fraud", "Swindling and fraud"},
	{"money_laundering", "Money laundering"},
	{"drug_trafficking", "Drug trafficking"},
	{"mobile_organised_crime", "Mobile organised crime groups"},
	{"human_trafficking", "Trafficking in human beings"},
	{"migrant_smuggling", "Migrant smuggling"},
	{"cybercrime", "Cybercrime"},
	{"corruption", "Corruption"},
	{"crimes_against_life", "Crimes against life, limb or personal freedom"},
	{"criminal_organisation", "Participation in a criminal organisation"},
	{"terrorism", "Terrorism"},
	{"core_international_crimes", "Core international crimes"},
	{"crime_of_aggression", "Crime of aggression"},
	{"environmental_crime", "Environmental crime"},
	{"firearms_trafficking", "Trafficking in firearms and explosives"},
	{"tax_fraud", "Tax fraud (including VAT fraud)"},
	{"child_sexual_exploitation", "Child sexual exploitation"},
	{"restrictive_measures", "Violation of restrictive measures"},
	{"intellectual_property_crime", "Intellectual property crime"},
	{"other", "Other"},
};

const char *cu_crime_label(const char *code)
{
	for (size_t i = 0; code && i < sizeof(crime_types) / sizeof(crime_types[0]); i++)
		if (!strcmp(crime_types[i].code, code))
			return crime_types[i].label;
	return NULL;
}

/* National desks: the 27 EU Member States. */
static const struct {
	const char *code, *name;
} member_states[] = {
	{"AT", "Austria"}, {"BE", "Belgium"}, {"BG", "Bulgaria"}, {"CY", "Cyprus"},
	{"CZ", "Czechia"}, {"DE", "Germany"}, {"DK", "Denmark"}, {"EE", "Estonia"},
	{"ES", "Spain"}, {"FI", "Finland"}, {"FR", "France"}, {"GR", "Greece"},
	{"HR", "Croatia"}, {"HU", "Hungary"}, {"IE", "Ireland"}, {"IT", "Italy"},
	{"LT", "Lithuania"}, {"LU", "Luxembourg"}, {"LV", "Latvia"}, {"MT", "Malta"},
	{"NL", "Netherlands"}, {"PL", "Poland"}, {"PT", "Portugal"}, {"RO", "Romania"},
	{"SE", "Sweden"}, {"SI", "Slovenia"}, {"SK", "Slovakia"},
}, liaison[] = {
	{"AL", "Albania"}, {"GE", "Georgia"}, {"ME", "Montenegro"}, {"MD", "Moldova"},
	{"MK", "North Macedonia"}, {"NO", "Norway"}, {"RS", "Serbia"}, {"CH", "Switzerland"},
	{"UA", "Ukraine"}, {"GB", "United Kingdom"}, {"US", "United States"},
};

static const struct {
	const char *code, *kind, *name;
} bodies[] = {
	{"ICC", "international_organisation", "International Criminal Court"},
	{"UNODC", "international_organisation", "United Nations Office on Drugs and Crime"},
	{"INTERPOL", "international_organisation", "International Criminal Police Organization"},
	{"IIIM", "international_organisation",
	 "International, Impartial and Independent Mechanism (Syria)"},
	{"IIMM", "international_organisation", "Independent Investigative Mechanism for Myanmar"},
	{"UNITAD", "international_organisation",
	 "UN Investigative Team to Promote Accountability for Crimes Committed by Da'esh/ISIL"},
	{"OHCHR", "international_organisation",
	 "OHCHR Sri Lanka Accountability Project"},
	{"EUROPOL", "eu_agency", "Europol"},
	{"OLAF", "eu_agency", "European Anti-Fraud Office"},
	{"EPPO", "eu_agency", "European Public Prosecutor's Office"},
	{"FRONTEX", "eu_agency", "European Border and Coast Guard Agency"},
	{"EJN", "network", "European Judicial Network"},
	{"GENOCIDE", "network", "Genocide Network"},
	{"JITSN", "network", "JITs Network"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

int cu_refdata_load(cu_store *s)
{
	char name[128];
	int r;
	for (size_t i = 0; i < N(crime_types); i++)
		if ((r = cu_store_crime_type_add(s, crime_types[i].code, crime_types[i].label)) != 0)
			return r;
	for (size_t i = 0; i < N(member_states); i++) {
		snprintf(name, sizeof(name), "National desk %s", member_states[i].name);
		if ((r = cu_store_org_insert(s, NULL, member_states[i].code, "national_member",
		                             member_states[i].code, name)) != 0)
			return r;
	}
	for (size_t i = 0; i < N(liaison); i++) {
		snprintf(name, sizeof(name), "Liaison prosecutor for %s", liaison[i].name);
		if ((r = cu_store_org_insert(s, NULL, liaison[i].code, "liaison_prosecutor",
		                             liaison[i].code, name)) != 0)
			return r;
	}
	for (size_t i = 0; i < N(bodies); i++)
		if ((r = cu_store_org_insert(s, NULL, bodies[i].code, bodies[i].kind, NULL,
		                             bodies[i].name)) != 0)
			return r;
	return 0;
}

int cu_crime_type_list(cu_core *c, json_t **out)
{
	return cu_store_crime_type_list(c->store, out);
}
