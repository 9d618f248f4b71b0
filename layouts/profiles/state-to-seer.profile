# crtk export profile: state-to-seer
# The NCI SEER November submission of a SEER-funded registry: incidence record type I,
# residents of the SEER area, SEER reportable list; the year of diagnosis must be known.
# A template: most SEER registries submit from SEER*DMS; check the year's instructions.
description = SEER registry to the NCI SEER Program (record type I, template)
receiver = NCI SEER Program
transport = SEER*Transfer
frequency = annual
due = November

format = xml
naaccr_version = 250
record_type = I
tier = incidence
registry_type = 1
registry_id =

dx_year_required = yes
reportable = yes
reportable_behaviors = 2,3
benign_cns_from = 2004
benign_cns_sites = C700-C729,C751-C753
not_reportable = cervix-in-situ: site C530-C539 behavior 2 dx_from 1996
not_reportable = skin-bcc-scc: site C440-C449 histology 8000-8110
# resident_of = UT
facility_restriction = keep

edits = shipped
edit_set = seer
gate = block

stamp = dateCaseReportExported
file_name = {registryId}_SEER_{exportDate:yyyyMMdd}_{recordType}{naaccrVersion}.xml
history = crtk-export-history.db
