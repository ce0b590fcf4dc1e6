import GRDB
import Models

// Model values stored as their raw strings, so that rows can be read into them directly.
extension Identifier: DatabaseValueConvertible, StatementColumnConvertible {}
extension Role: DatabaseValueConvertible {}
extension Feature: DatabaseValueConvertible {}
extension WorkspaceStatus: DatabaseValueConvertible {}
extension IntegrationKind: DatabaseValueConvertible {}
extension ShareStatus: DatabaseValueConvertible {}
