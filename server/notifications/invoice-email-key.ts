/** One e-mail per invoice, ever: the idempotency key of its email_outbox row and of the Resend request. */
export const invoiceEmailKey = (invoiceId: string) => `invoice:${invoiceId}:email`;
