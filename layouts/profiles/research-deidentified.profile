# crtk export profile: research-deidentified
# A research or ad-hoc extract: incidence items only (record type I), then the
# de-identified tier removes or coarsens what record type I still carries (HIPAA
# safe-harbor style; NAACCR does not define this list - review it with your privacy
# officer): exact dates become years, postal codes keep 3 digits, the patient id becomes
# a keyed pseudonym (the same key gives the same pseudonyms: --key-file FILE), and
# restricted-facility records (item 1856 codes 01-07) are left out.
description = De-identified research extract (record type I, de-identified tier)
receiver = researchers under a data use agreement

format = xml
naaccr_version = 250
record_type = I
tier = deidentified
registry_type = 1
registry_id =

reportable = yes
reportable_behaviors = 2,3
benign_cns_from = 2004
benign_cns_sites = C700-C729,C751-C753
facility_restriction = exclude

deid_pseudonym = patientIdNumber
deid_dates = year
deid_zip = 3
deid_zip_items = addrAtDxPostalCode,addrCurrentPostalCode,followUpContactPostal,addrAtDxPostalCode2020*
deid_remove = patientSystemIdHosp,accessionNumberHosp,reportingFacility,npiReportingFacility,archiveFin,npiArchiveFin,addrAtDxCity,addrCurrentCity,followUpContactCity,countyAtDx,countyAtDxAnalysis,countyAtDxGeocode*,countyCurrent,census*,ruca*,uric*,gisCoordinateQuality,textUsualOccupation,textUsualIndustry,textPlaceOfDiagnosis,placeOfDeath*,birthplace*,stateAtDxGeocode*,sequenceNumberHospital,institutionReferred*,npiInstReferred*,vaPayer*

edits = none
stamp =
file_name = research_{exportDate:yyyyMMdd}_{recordType}{naaccrVersion}.xml
history = crtk-export-history.db
