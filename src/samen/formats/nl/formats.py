# Dutch abbreviates months in lower case: "3 mrt 2026".
SHORT_DATE_FORMAT = "j b Y"
SHORT_DATETIME_FORMAT = "j b Y H:i"
