// Messages written the way mail clients write them (Thunderbird, Outlook, Apple Mail): RFC 2231
// file names continued over several lines with their charset, encoded-word subjects in the
// charsets those clients use, a `;` inside a quoted file name, bodies in legacy Japanese and
// Western charsets. Each expected value is the text written into the message here.
import Foundation
import Testing
@testable import TrawlExtract

/// A message from its lines, ended with CRLF as clients send them.
func message(_ lines: [String]) -> [UInt8] { Array(lines.map { $0 + "\r\n" }.joined().utf8) }

func header(_ message: Mail.Message, _ name: String) -> String? { message.headers.first { $0.name.lowercased() == name }?.value }

func names(_ message: Mail.Message) -> [String] { message.attachments.map { String(decoding: $0.name, as: UTF8.self) } }

@Suite struct MailClients {
    /// Thunderbird folds a long non-ASCII file name into RFC 2231 continuations, each line
    /// percent-encoded in the charset named on the first.
    @Test func thunderbirdContinuedFileNameIsJoinedAndDecoded() {
        let parsed = Mail.parse(message([
            "Message-ID: <4d1c2b7e-1f0a-4c55-9b1e-2a3b4c5d6e7f@northfield-college.ac.uk>",
            "Date: Tue, 5 Mar 2024 10:12:44 +0000",
            "MIME-Version: 1.0",
            "User-Agent: Mozilla Thunderbird",
            "Content-Language: en-GB",
            "To: HR <hr@northfield-college.ac.uk>",
            "From: Ana Kowalska <ana.kowalska@northfield-college.ac.uk>",
            "Subject: =?UTF-8?Q?R=c3=a9f=c3=a9rence_for_Zo=c3=ab_Clarke?=",
            "Content-Type: multipart/mixed;",
            " boundary=\"------------tb0123456789ABCDEF\"",
            "",
            "This is a multi-part message in MIME format.",
            "--------------tb0123456789ABCDEF",
            "Content-Type: text/plain; charset=UTF-8; format=flowed",
            "Content-Transfer-Encoding: 8bit",
            "",
            "Please find Zoë's reference attached.",
            "",
            "--------------tb0123456789ABCDEF",
            "Content-Type: text/plain; charset=UTF-8;",
            " name*0*=UTF-8''R%C3%A9f%C3%A9rence%20for%20Zo%C3%AB%20Clarke%20%E2%80%93%20;",
            " name*1*=final%20version.txt",
            "Content-Disposition: attachment;",
            " filename*0*=UTF-8''R%C3%A9f%C3%A9rence%20for%20Zo%C3%AB%20Clarke%20%E2%80%93%20;",
            " filename*1*=final%20version.txt",
            "Content-Transfer-Encoding: base64",
            "",
            Data("NI number AB 12 34 56 C\n".utf8).base64EncodedString(),
            "",
            "--------------tb0123456789ABCDEF--",
        ]))
        #expect(header(parsed, "subject") == "Référence for Zoë Clarke")
        #expect(names(parsed) == ["Référence for Zoë Clarke – final version.txt"])
        #expect(parsed.attachments.first.map { String(decoding: $0.bytes, as: UTF8.self) } == "NI number AB 12 34 56 C\n")
        #expect(parsed.texts.map { String(decoding: $0.text, as: UTF8.self) } == ["Please find Zoë's reference attached.\r\n"])
    }

    /// Outlook writes subjects and file names as encoded words in the sender's ANSI code page
    /// (Windows-1252, with its curly quote at 0x92; Shift_JIS for a Japanese sender), and
    /// bodies in that code page, quoted-printable.
    @Test func outlookCodePagesAreDecoded() {
        let parsed = Mail.parse(message([
            "From: =?iso-8859-1?Q?J=FCrgen_M=FCller?= <juergen.mueller@outlook.com>",
            "To: =?Shift_JIS?B?jlKTY5G+mFmCs4LxgsyQrJDRlVw=?= <admissions@northfield-college.ac.uk>",
            "Subject: =?Windows-1252?Q?Zo=EB=92s_r=E9f=E9rence?=",
            "Thread-Topic: =?Windows-1252?Q?Zo=EB=92s_r=E9f=E9rence?=",
            "Date: Tue, 5 Mar 2024 10:12:44 +0000",
            "Message-ID: <DB9PR01MB1234ABCD@DB9PR01MB1234.eurprd01.prod.exchangelabs.com>",
            "Content-Language: en-GB",
            "X-MS-Has-Attach: yes",
            "Content-Type: multipart/mixed;",
            "\tboundary=\"_004_DB9PR01MB1234ABCDDB9PR01MB1234eurprd_\"",
            "MIME-Version: 1.0",
            "",
            "--_004_DB9PR01MB1234ABCDDB9PR01MB1234eurprd_",
            "Content-Type: text/plain; charset=\"Windows-1252\"",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "Zo=EB=92s r=E9f=E9rence is attached. Ring me on 07911 123456 =96 J=FCrgen",
            "",
            "--_004_DB9PR01MB1234ABCDDB9PR01MB1234eurprd_",
            "Content-Type: text/plain; name=\"=?Shift_JIS?B?jlKTY5G+mFmCs4LxgsyQrJDRlVw=?=.txt\"",
            "Content-Description: =?Shift_JIS?B?jlKTY5G+mFmCs4LxgsyQrJDRlVw=?=.txt",
            "Content-Disposition: attachment;",
            "\tfilename=\"=?Shift_JIS?B?jlKTY5G+mFmCs4LxgsyQrJDRlVw=?=.txt\"; size=24;",
            "\tcreation-date=\"Tue, 05 Mar 2024 10:10:00 GMT\";",
            "\tmodification-date=\"Tue, 05 Mar 2024 10:10:00 GMT\"",
            "Content-Transfer-Encoding: base64",
            "",
            Data("NI number AB 12 34 56 C\n".utf8).base64EncodedString(),
            "",
            "--_004_DB9PR01MB1234ABCDDB9PR01MB1234eurprd_--",
        ]))
        #expect(header(parsed, "from") == "Jürgen Müller <juergen.mueller@outlook.com>")
        #expect(header(parsed, "to") == "山田太郎さんの成績表 <admissions@northfield-college.ac.uk>")
        #expect(header(parsed, "subject") == "Zoë’s référence")
        #expect(parsed.texts.map { String(decoding: $0.text, as: UTF8.self) }
            == ["Zoë’s référence is attached. Ring me on 07911 123456 – Jürgen\r\n"])
        #expect(names(parsed) == ["山田太郎さんの成績表.txt"])
    }

    /// Apple Mail quotes a file name that holds a `;` and folds parameters onto tab-indented
    /// lines; its inline attachments carry a file name and no disposition of attachment.
    @Test func appleMailQuotedFileNameKeepsItsSemicolon() {
        let parsed = Mail.parse(message([
            "From: Priya Shah <priya.shah@icloud.com>",
            "Content-Type: multipart/mixed;",
            "\tboundary=\"Apple-Mail=_6F1A2B3C-4D5E-6F70-8192-A3B4C5D6E7F8\"",
            "Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3731.700.6\\))",
            "Subject: =?utf-8?Q?Referral_for_Zo=C3=AB_Clarke_=E2=80=93_urgent?=",
            "Date: Tue, 5 Mar 2024 10:12:44 +0000",
            "Message-Id: <8A7B6C5D-4E3F-2A1B-0C9D-8E7F6A5B4C3D@icloud.com>",
            "To: Safeguarding <safeguarding@northfield-college.ac.uk>",
            "X-Mailer: Apple Mail (2.3731.700.6)",
            "",
            "",
            "--Apple-Mail=_6F1A2B3C-4D5E-6F70-8192-A3B4C5D6E7F8",
            "Content-Transfer-Encoding: 7bit",
            "Content-Type: text/plain;",
            "\tcharset=us-ascii",
            "",
            "Notes attached.",
            "",
            "--Apple-Mail=_6F1A2B3C-4D5E-6F70-8192-A3B4C5D6E7F8",
            "Content-Disposition: inline;",
            "\tfilename=\"Minutes; 3 March.txt\"",
            "Content-Type: text/plain;",
            "\tx-unix-mode=0644;",
            "\tname=\"Minutes; 3 March.txt\"",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "NI number AB 12 34 56 C",
            "",
            "--Apple-Mail=_6F1A2B3C-4D5E-6F70-8192-A3B4C5D6E7F8",
            "Content-Disposition: attachment;",
            "\tfilename*=utf-8''Zo%C3%AB%20Clarke%3B%20referral.txt",
            "Content-Type: text/plain;",
            "\tx-unix-mode=0644;",
            "\tname*=utf-8''Zo%C3%AB%20Clarke%3B%20referral.txt",
            "Content-Transfer-Encoding: 7bit",
            "",
            "Referral.",
            "--Apple-Mail=_6F1A2B3C-4D5E-6F70-8192-A3B4C5D6E7F8--",
        ]))
        #expect(header(parsed, "subject") == "Referral for Zoë Clarke – urgent")
        #expect(names(parsed) == ["Minutes; 3 March.txt", "Zoë Clarke; referral.txt"])
        #expect(parsed.texts.map { String(decoding: $0.text, as: UTF8.self) } == ["Notes attached.\r\n"])
    }

    /// A Japanese client writes ISO-2022-JP bodies (7-bit, switched by escape sequences), and a
    /// forwarded message is attached whole, named by its quoted file name.
    @Test func legacyJapaneseBodyAndForwardedMessage() {
        let parsed = Mail.parse(message([
            "From: =?ISO-2022-JP?B?GyRCOzNFREJATzobKEI=?= <taro.yamada@example.co.jp>",
            "Subject: Fwd: report",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"b1\"",
            "",
            "--b1",
            "Content-Type: text/plain; charset=ISO-2022-JP",
            "Content-Transfer-Encoding: 7bit",
            "",
            "\u{1B}$B;3EDB@O:MM\u{1B}(B",
            "\u{1B}$B9qL1J]81HV9f\u{1B}(B AB 12 34 56 C",
            "",
            "--b1",
            "Content-Type: message/rfc822; name=\"Re: report; March.eml\"",
            "Content-Disposition: attachment; filename=\"Re: report; March.eml\"",
            "",
            "From: Ana Kowalska <ana.kowalska@northfield-college.ac.uk>",
            "Subject: Re: report",
            "",
            "Email me at ana.kowalska@gmail.com",
            "",
            "--b1--",
        ]))
        #expect(header(parsed, "from") == "山田太郎 <taro.yamada@example.co.jp>")
        #expect(parsed.texts.map { String(decoding: $0.text, as: UTF8.self) } == ["山田太郎様\r\n国民保険番号 AB 12 34 56 C\r\n"])
        #expect(names(parsed) == ["Re: report; March.eml"])
        let forwarded = Mail.parse(parsed.attachments.first?.bytes ?? [])
        #expect(header(forwarded, "subject") == "Re: report")
        #expect(forwarded.texts.map { String(decoding: $0.text, as: UTF8.self) }.joined().contains("ana.kowalska@gmail.com"))
    }

    /// Some clients and gateways send 8-bit header text with no encoded word and no charset:
    /// read as UTF-8 where it is, else as Windows-1252.
    @Test func unlabelled8BitHeadersAreRead() {
        let latin: [UInt8] = Array("Subject: R".utf8) + [0xE9] + Array("f".utf8) + [0xE9] + Array("rence for Zo".utf8) + [0xEB] + [13, 10]
        let utf8 = Array("To: Zoë Clarke <zoe@example.org>\r\n".utf8)
        let parsed = Mail.parse(latin + utf8 + Array("\r\nHello\r\n".utf8))
        #expect(header(parsed, "subject") == "Référence for Zoë")
        #expect(header(parsed, "to") == "Zoë Clarke <zoe@example.org>")
    }

    /// Outlook labels Windows-1252 text iso-8859-1: its curly apostrophe (0x92) is read as one.
    @Test func outlookLatin1LabelHoldsWindows1252Quotes() {
        let head = Array("From: a@example.org\r\nContent-Type: text/plain; charset=\"iso-8859-1\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
        let parsed = Mail.parse(head + Array("Siobh=E1n O=92Brien, 07911 123456 =80 5\r\n".utf8))
        #expect(parsed.texts.map { String(decoding: $0.text, as: UTF8.self) } == ["Siobhán O’Brien, 07911 123456 € 5\r\n"])
        // And in its encoded words.
        let named = Mail.parse(message(["From: =?iso-8859-1?Q?Siobh=E1n_O=92Brien?= <s.obrien@outlook.com>", "", "Hello"]))
        #expect(header(named, "from") == "Siobhán O’Brien <s.obrien@outlook.com>")
    }
}
