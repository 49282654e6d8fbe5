import GRDB
import QBModel

/// Plan keys are stored as their text form, `Customer:amazon summary`.
extension PlanKey: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { description.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> PlanKey? {
        String.fromDatabaseValue(dbValue).flatMap(PlanKey.init)
    }
}

/// Posting modes are stored as their raw value, `receipt`.
extension PostingMode: DatabaseValueConvertible {}
