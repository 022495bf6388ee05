//! One small file in each list layout Steward reads, with invented entries: for tests, the fuzz
//! targets' seed corpus, and documentation of the layouts. The product ships no real list.

pub const SDN: &str = "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
173,\"ANGLO-CARIBBEAN CO., LTD.\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
2674,\"PETROV, Ivan Sergeyevich\",\"individual\",\"[RUSSIA-EO14024]\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 01 Jan 1970.\"\r\n\
\u{1a}";
pub const ALT: &str = "36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n2674,13,\"aka\",\"PETROV, Ivan\",-0- \r\n";
pub const ADD: &str = "36,25,-0- ,\"Havana\",\"Cuba\",-0- \r\n";

pub const UK: &str = "Last Updated,28/11/2026\n\
Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,Name Non-Latin Script,Country,Group Type,Alias Type,Regime,Listed On,Group ID\n\
ROSTEC STATE CORPORATION,,,,,,,,Russia,Entity,Primary name,Russia,15/03/2022,14190\n\
ROSTEKH,,,,,,,Ростех,Russia,Entity,AKA,Russia,15/03/2022,14190\n\
PETROV,Ivan,Sergeyevich,,,,Mr,,Russia,Individual,Primary name,Russia,15/03/2022,14201\n";

pub const EU: &str = "fileGenerationDate;Entity_LogicalId;Entity_SubjectType;Entity_SubjectType_ClassificationCode;Entity_Regulation_Programme;NameAlias_LastName;NameAlias_FirstName;NameAlias_WholeName;Citizenship_CountryIso2Code;Address_CountryIso2Code\n\
2026-11-27T10:00:00;13;E;enterprise;RUS;;;Almaz-Antey Air and Space Defence Corporation;;RU\n\
2026-11-27T10:00:00;13;E;enterprise;RUS;;;Концерн ВКО Алмаз-Антей;;RU\n\
2026-11-27T10:00:00;27;P;person;PRK;KIM;Jong Sik;Kim Jong Sik;KP;\n";

pub const CSL: &str = "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,alt_names,citizenships,nationalities\n\
a1,Entity List (EL) - Bureau of Industry and Security,,Entity,,Harbin Institute of Technology,,\"92 West Dazhi Street, Harbin, CN\",85 FR 34495,2020-06-05,,HIT; Harbin Gongye Daxue,,\n\
a2,Specially Designated Nationals (SDN) - Treasury Department,2674,Individual,RUSSIA-EO14024,\"PETROV, Ivan Sergeyevich\",,,,,,,RU,RU\n";

pub const GENERIC: &str = "name,aliases,country,list,reference\n\
Ferrant Cryogenix Holdings,Ferrant Kryo,DE,Internal watch list,W-1\n\
Northwind Precision Optics,,CN,Internal watch list,W-2\n";
