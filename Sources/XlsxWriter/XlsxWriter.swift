// A small safe wrapper over libxlsxwriter: a workbook written to one file, its worksheets, and
// cells of text and numbers. It knows nothing of Trawl.
//
// Design: a `Workbook` owns the C workbook and is used by one thread at a time; its worksheets
// hold it, so a sheet never outlives the workbook it writes into. Rows are written in order
// (libxlsxwriter's constant-memory mode keeps one row in memory, whatever the size of the sheet).
// Every return code goes through `check`, which carries libxlsxwriter's own message. The file is
// written when the workbook is closed; a workbook dropped without `close` is closed then, so the
// C side is always freed.
internal import CXlsxWriter
import Foundation

public struct XlsxError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let operation: String
    public var description: String { "\(operation): \(message)" }
}

public final class Workbook {
    let handle: UnsafeMutablePointer<lxw_workbook>
    private var temporaryDirectory: UnsafeMutablePointer<CChar>?
    private var closed = false
    let bold: UnsafeMutablePointer<lxw_format>

    /// The most rows a sheet holds, its header row included.
    public static let maxRows = Int(LXW_ROW_MAX)
    /// The most characters a cell holds (Excel's limit; libxlsxwriter refuses a longer string with
    /// LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED).
    public static let maxCellCharacters = 32_767

    /// Starts a workbook to be written to `path` on `close`.
    /// - Parameter temporaryDirectory: where libxlsxwriter keeps each sheet while it is written
    ///   (the system's default when nil).
    /// - Throws: `XlsxError` when the workbook cannot be made.
    public init(path: String, temporaryDirectory: String? = nil) throws(XlsxError) {
        var options = lxw_workbook_options()
        options.constant_memory = UInt8(LXW_TRUE.rawValue)
        options.use_zip64 = UInt8(LXW_TRUE.rawValue)
        let tmp = temporaryDirectory.map { strdup($0)! }
        options.tmpdir = tmp
        guard let wb = workbook_new_opt(path, &options) else {
            free(tmp)
            throw XlsxError(message: "cannot start the workbook", operation: "create \(path)")
        }
        handle = wb
        self.temporaryDirectory = tmp
        guard let format = workbook_add_format(wb) else {
            workbook_close(wb)
            free(tmp)
            throw XlsxError(message: "cannot make a cell format", operation: "create \(path)")
        }
        format_set_bold(format)
        bold = format
    }

    deinit {
        if !closed { workbook_close(handle) }
        free(temporaryDirectory)
    }

    /// Adds a sheet named `name` (at most 31 characters, none of `[]:*?/\`).
    public func addSheet(_ name: String) throws(XlsxError) -> Worksheet {
        guard !closed else { throw XlsxError(message: "the workbook is closed", operation: "add sheet \(name)") }
        try check(workbook_validate_sheet_name(handle, name), "add sheet \(name)")
        guard let sheet = workbook_add_worksheet(handle, name) else {
            throw XlsxError(message: "cannot add the sheet", operation: "add sheet \(name)")
        }
        return Worksheet(sheet, in: self)
    }

    /// Writes the file and frees the workbook.
    /// - Throws: `XlsxError` when the file cannot be written.
    public func close() throws(XlsxError) {
        guard !closed else { return }
        closed = true
        try check(workbook_close(handle), "write the workbook")
    }
}

/// One sheet of a workbook. Rows are written in order, each row's cells left to right.
public final class Worksheet {
    let handle: UnsafeMutablePointer<lxw_worksheet>
    let workbook: Workbook

    init(_ handle: UnsafeMutablePointer<lxw_worksheet>, in workbook: Workbook) {
        self.handle = handle
        self.workbook = workbook
    }

    /// Writes `text` as text (never a formula), cut to `Workbook.maxCellCharacters` characters.
    public func write(_ text: String, row: Int, column: Int, bold: Bool = false) throws(XlsxError) {
        let scalars = text.unicodeScalars
        let cell = scalars.count > Workbook.maxCellCharacters
            ? String(String.UnicodeScalarView(scalars.prefix(Workbook.maxCellCharacters))) : text
        try check(worksheet_write_string(handle, lxw_row_t(row), lxw_col_t(column), cell, bold ? workbook.bold : nil),
                  "write row \(row) column \(column)")
    }

    public func write(_ number: Double, row: Int, column: Int) throws(XlsxError) {
        try check(worksheet_write_number(handle, lxw_row_t(row), lxw_col_t(column), number, nil), "write row \(row) column \(column)")
    }

    /// Keeps the first row in view while scrolling.
    public func freezeFirstRow() { worksheet_freeze_panes(handle, 1, 0) }

    /// Puts filter buttons on the first row over `rows` rows and `columns` columns.
    public func filter(rows: Int, columns: Int) throws(XlsxError) {
        try check(worksheet_autofilter(handle, 0, 0, lxw_row_t(max(0, rows - 1)), lxw_col_t(max(0, columns - 1))), "filter")
    }

    /// Sets the width of columns `first...last`, in characters.
    public func setWidth(_ width: Double, columns: ClosedRange<Int>) throws(XlsxError) {
        try check(worksheet_set_column(handle, lxw_col_t(columns.lowerBound), lxw_col_t(columns.upperBound), width, nil), "set column width")
    }
}

private func check(_ error: lxw_error, _ operation: String) throws(XlsxError) {
    guard error != LXW_NO_ERROR else { return }
    throw XlsxError(message: String(cString: lxw_strerror(error)), operation: operation)
}
