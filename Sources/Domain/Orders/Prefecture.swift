import Foundation

/// The 47 prefectures (都道府県) by their JIS X 0401 code, 01 北海道 … 47 沖縄県.
public enum Prefecture {
    /// Every prefecture's full name, in code order (index 0 is code 01).
    public static let names: [String] = [
        "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
        "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
        "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
        "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
        "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
    ]

    private static let byName: [String: Int] = Dictionary(
        uniqueKeysWithValues: names.enumerated().map { ($0.element, $0.offset + 1) }
    )

    /// The full name for a full name, or for one written without its 都/府/県 (`東京`, `大阪`, `神奈川`); nil when
    /// it names no prefecture.
    public static func canonical(_ raw: String) -> String? {
        let value = raw.trimmingCharacters(in: .whitespaces)
        if byName[value] != nil { return value }
        for suffix in ["都", "府", "県"] where byName[value + suffix] != nil { return value + suffix }
        return nil
    }

    /// The JIS code (1…47) of a full name.
    public static func code(_ name: String) -> Int? { byName[name] }
}
