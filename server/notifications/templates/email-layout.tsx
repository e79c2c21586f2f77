import { Body, Container, Head, Hr, Html, Preview, Section, Text } from "@react-email/components";
import type { ReactNode } from "react";

export const emailColors = { ink: "#111827", muted: "#6b7280", rule: "#e5e7eb", accent: "#1d4ed8", danger: "#b91c1c", ok: "#15803d" };

/** Shared frame of every Billrun e-mail; `title` (the subject) names the document for screen readers and web mail. */
export function EmailLayout({
  title,
  preview,
  footer,
  children,
  lang = "en",
}: {
  title: string;
  preview: string;
  footer: string;
  children: ReactNode;
  lang?: string;
}) {
  return (
    <Html lang={lang}>
      <Head>
        <title>{title}</title>
      </Head>
      <Preview>{preview}</Preview>
      <Body style={{ backgroundColor: "#f3f4f6", fontFamily: "Helvetica, Arial, sans-serif", color: emailColors.ink, margin: 0 }}>
        <Container style={{ backgroundColor: "#ffffff", maxWidth: 560, margin: "24px auto", padding: "28px 32px", borderRadius: 8 }}>
          {children}
          <Hr style={{ borderColor: emailColors.rule, margin: "24px 0 12px" }} />
          <Section>
            <Text style={{ fontSize: 12, color: emailColors.muted, margin: 0 }}>{footer}</Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}
