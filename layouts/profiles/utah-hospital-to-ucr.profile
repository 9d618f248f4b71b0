# crtk export profile: utah-hospital-to-ucr
# Example of a state's own profile, from the public Utah Cancer Registry instructions:
# cases due within 6 months of diagnosis or first contact; they must pass the
# "SEER: Hospital Edits" edit set of the standard NAACCR V26 metafile (no custom
# metafile; give it with edits = /path/NAACCR_V26.smf and edit_set = its tag - crtk's
# shipped "seer" set stands in here); no state-specific items; transport SFTP or the
# University of Utah Box.
description = Utah hospital to the Utah Cancer Registry (record type A, example)
receiver = Utah Cancer Registry (UCR)
transport = SFTP or University of Utah Box
frequency = monthly
due = within 6 months of diagnosis or first contact

# NAACCR 25 until your data is in 26: crtk does not recode items NAACCR 26 replaced (Sex 220
# became Sex Assigned at Birth 225), so a v25 file exported as 26 stops with an error.
format = xml
naaccr_version = 250
record_type = A
tier = full
registry_type = 3
registry_id =

reportable = yes
reportable_behaviors = 2,3
benign_cns_from = 2004
benign_cns_sites = C700-C729,C751-C753
not_reportable = cervix-in-situ: site C530-C539 behavior 2
not_reportable = skin-bcc-scc: site C440-C449 histology 8000-8110

edits = shipped
edit_set = seer
gate = exclude

stamp = dateCaseReportExported
file_name = {facilityId}_UCR_{exportDate:yyyyMMdd}_{recordType}{naaccrVersion}.xml
history = crtk-export-history.db
