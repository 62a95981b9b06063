
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "ExportTarget": [
      "DedicatedCalendar",
      "PrimaryCalendar"
    ],
    "ImportSource": [
      "CalendarSelection",
      "PrimaryCalendar"
    ],
    "Node": [
      "Connection",
      "ExternalCalendar",
      "Schedule"
    ],
    "ScheduleEvent": [
      "ScheduleCancelled",
      "ScheduleCreated",
      "ScheduleUpdate"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "ExportTarget": [
      "DedicatedCalendar",
      "PrimaryCalendar"
    ],
    "ImportSource": [
      "CalendarSelection",
      "PrimaryCalendar"
    ],
    "Node": [
      "Connection",
      "ExternalCalendar",
      "Schedule"
    ],
    "ScheduleEvent": [
      "ScheduleCancelled",
      "ScheduleCreated",
      "ScheduleUpdate"
    ]
  }
};
      export default result;
    