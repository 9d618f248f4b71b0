# crtk export profile: state-to-state-exchange
# Interstate data exchange between central registries: the tumors of residents of the
# other state diagnosed or treated here. The exchange agreement says A or C; C (no text)
# is used here. Set resident_of to the receiving state: crtk export --set resident_of=NM
description = Central registry to another state's central registry (record type C)
receiver = the other state's central registry
transport = per the exchange agreement

format = xml
naaccr_version = 250
record_type = C
tier = confidential
registry_type = 1
registry_id =

reportable = yes
reportable_behaviors = 2,3
benign_cns_from = 2004
benign_cns_sites = C700-C729,C751-C753
not_reportable = cervix-in-situ: site C530-C539 behavior 2
not_reportable = skin-bcc-scc: site C440-C449 histology 8000-8110
# The receiving state's residents only; --set resident_of=XX is required in practice.
resident_of = NM

edits = shipped
edit_set = validity
gate = exclude

stamp = dateCaseReportExported
file_name = {registryId}_exchange_{exportDate:yyyyMMdd}_{recordType}{naaccrVersion}.xml
history = crtk-export-history.db
