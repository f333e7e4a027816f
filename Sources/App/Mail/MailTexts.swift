import Domain
import Foundation

/// A mail's subject and body, written together.
struct MailText: Sendable, Equatable {
    let subject: String
    let body: String
}

/// The texts of Akinai's own mails, Japanese first with English below, in subject and body alike.
enum MailTexts {
    static func emailCode(code: String) -> MailText {
        MailText(
            subject: "【Akinai】ログイン確認コード / Sign-in code",
            body: """
                Akinai へのログイン確認コードです。

                    \(code)

                このコードの有効期限は10分間で、一度だけ使えます。
                心当たりがない場合は、パスワードが第三者に知られている可能性があります。管理者にご連絡ください。

                ---
                Your Akinai sign-in code is \(code). It is valid for 10 minutes and can be used once.
                If you did not try to sign in, someone may know your password: tell your administrator.
                """
        )
    }

    static func invitation(shop: String, inviter: String, link: String, expires: Date) -> MailText {
        MailText(
            subject: "【Akinai】\(shop) への招待 / Invitation",
            body: """
                \(shop) の Akinai に招待されました（招待者: \(inviter)）。

                次のリンクを開いて、ご自身のパスワードを設定してください。
                \(link)

                このリンクは \(JST.format(expires)) まで有効で、一度だけ使えます。
                心当たりがない場合は、このメールを破棄してください。

                ---
                You have been invited to \(shop) on Akinai by \(inviter). Open the link above to choose your password.
                It works once, until \(JST.format(expires)).
                """
        )
    }

    static func passwordReset(link: String, expires: Date) -> MailText {
        MailText(
            subject: "【Akinai】パスワード再設定のご案内 / Reset your password",
            body: """
                パスワード再設定のご依頼を受け付けました。

                次のリンクを開いて、新しいパスワードを設定してください。
                \(link)

                このリンクは \(JST.format(expires)) まで（60分間）有効で、一度だけ使えます。
                ご依頼に心当たりがない場合は、このメールを破棄してください。パスワードは変更されません。

                ---
                Open the link above to choose a new password. It works once, until \(JST.format(expires)).
                If you did not ask for this, ignore this mail: your password stays as it is.
                """
        )
    }

    static func passwordChanged(email: String, at date: Date, ip: String) -> MailText {
        MailText(
            subject: "【Akinai】パスワードが変更されました / Your password was changed",
            body: """
                Akinai アカウント（\(email)）のパスワードが変更されました。

                日時: \(JST.format(date))
                IPアドレス: \(ip)

                心当たりがない場合は、直ちに管理者にご連絡ください。

                ---
                The password of your Akinai account \(email) was changed at \(JST.format(date)) from \(ip).
                If this was not you, tell your administrator at once.
                """
        )
    }

    static func secondFactorChanged(email: String, method: String, at date: Date, ip: String) -> MailText {
        let label: (ja: String, en: String) =
            switch method {
            case "totp": ("認証アプリ（TOTP）", "an authenticator app (TOTP)")
            case "email": ("メールの確認コード", "e-mailed codes")
            default: ("なし（2段階認証は無効）", "none (two-step sign-in is off)")
            }
        return MailText(
            subject: "【Akinai】2段階認証の設定が変更されました / Your second factor changed",
            body: """
                Akinai アカウント（\(email)）の2段階認証が変更されました。新しい方式: \(label.ja)

                日時: \(JST.format(date))
                IPアドレス: \(ip)

                心当たりがない場合は、直ちに管理者にご連絡ください。

                ---
                The second factor of your Akinai account \(email) was changed to \(label.en) at \(JST.format(date)) from \(ip).
                If this was not you, tell your administrator at once.
                """
        )
    }

    static func reorderPointReached(sku: String, point: Int, available: Int) -> MailText {
        MailText(
            subject: "【Akinai】発注点に達しました: \(sku) / Reorder point reached",
            body: """
                SKU \(sku) の有効在庫が発注点（\(point)）に達しました。現在の有効在庫: \(available)

                ---
                Available stock of \(sku) has fallen to its reorder point (\(point)). Available now: \(available)
                """
        )
    }

    static func orderShipped(
        shop: String,
        number: String,
        buyer: String,
        carrier: Carrier,
        tracking: String
    )
        -> MailText
    {
        MailText(
            subject: "【\(shop)】ご注文の商品を発送しました（注文番号 \(number)）",
            body: """
                \(buyer) 様

                \(shop) をご利用いただきありがとうございます。
                ご注文（注文番号 \(number)）の商品を本日発送いたしました。

                配送業者: \(carrier.japaneseName)
                お問い合わせ番号: \(tracking)
                配送状況: \(carrier.trackingURL(tracking))

                ---
                Your order \(number) from \(shop) has shipped with \(carrier.japaneseName), tracking number \(tracking).
                """
        )
    }
}
