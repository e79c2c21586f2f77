import { Text, View } from "@react-pdf/renderer";
import type { DocumentFormat } from "../i18n";
import type { UsageAnnex } from "../usage-annex";
import type { createStyles } from "./invoice-pdf";

type Styles = ReturnType<typeof createStyles>;
type Labels = { title: string; date: string; description: string; quantity: string; amount: string; more: (count: string) => string };

const col = {
  date: { width: "18%", paddingHorizontal: 3 },
  description: { width: "48%", paddingHorizontal: 3 },
  quantity: { width: "14%", paddingHorizontal: 3, textAlign: "right" as const },
  amount: { width: "20%", paddingHorizontal: 3, textAlign: "right" as const },
};

/** The usage annex on a page of its own after the invoice: per line its items, then the count of those not listed. */
export function UsageAnnexPdf({ annex, s, f, currency, labels }: { annex: UsageAnnex; s: Styles; f: DocumentFormat; currency: string; labels: Labels }) {
  return (
    <View break>
      <Text style={s.sellerName}>{labels.title}</Text>
      {annex.sections.map((section, i) => (
        <View key={i} style={{ marginTop: 10 }}>
          <Text style={[s.strong, { marginBottom: 3 }]}>{section.line}</Text>
          <View style={s.tableHeader} wrap={false}>
            <Text style={col.date}>{labels.date}</Text>
            <Text style={col.description}>{labels.description}</Text>
            <Text style={col.quantity}>{labels.quantity}</Text>
            <Text style={col.amount}>{labels.amount}</Text>
          </View>
          {section.items.map((item, j) => (
            <View key={j} style={s.row} wrap={false}>
              <Text style={col.date}>{f.date(item.date)}</Text>
              <Text style={col.description}>{item.description}</Text>
              <Text style={col.quantity}>{f.decimal(item.quantity)}</Text>
              <Text style={col.amount}>{f.money(item.amount, currency)}</Text>
            </View>
          ))}
        </View>
      ))}
      {annex.more > 0 ? <Text style={[s.muted, { marginTop: 6 }]}>{labels.more(f.decimal(String(annex.more)))}</Text> : null}
    </View>
  );
}
