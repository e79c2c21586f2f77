"use client";

import { useMutation, type MutateOptions, type UseMutateFunction, type UseMutationOptions, type UseMutationResult } from "@tanstack/react-query";
import { useCallback, useEffect, useRef } from "react";
import { toast } from "sonner";
import { errorDataOf, errorMessage } from "@/lib/error-data";

/**
 * Toasts a failed mutation with the server's message. A lost race (the server marks it retryable: serialization
 * failure, deadlock, unique violation) gets a "Try again" action; a state conflict says to check and try again.
 */
export function toastMutationError(title: string, error: unknown, retry?: () => void) {
  const { retryable } = errorDataOf(error);
  toast.error(title, {
    description: errorMessage(error),
    ...(retryable && retry ? { action: { label: "Try again", onClick: () => retry() } } : {}),
  });
}

/**
 * useMutation whose failures are toasted with `title` (see toastMutationError). "Try again" sends the failed call
 * again with the per-call callbacks it was sent with (closing a dialog, a success toast…).
 */
export function useToastingMutation<TData, TError, TVariables, TOnMutateResult>(
  options: UseMutationOptions<TData, TError, TVariables, TOnMutateResult>,
  title: string | ((variables: TVariables) => string),
): UseMutationResult<TData, TError, TVariables, TOnMutateResult> {
  type CallOptions = MutateOptions<TData, TError, TVariables, TOnMutateResult>;
  const lastCall = useRef<{ variables: TVariables; options?: CallOptions } | null>(null);
  const send = useRef<(variables: TVariables, options?: CallOptions) => void>(() => {});
  const mutation = useMutation({
    ...options,
    onError: (error, variables, onMutateResult, context) => {
      const call = lastCall.current?.variables === variables ? lastCall.current : { variables };
      toastMutationError(typeof title === "function" ? title(variables) : title, error, () => send.current(call.variables, call.options));
      return options.onError?.(error, variables, onMutateResult, context);
    },
  });
  const { mutate: mutateOnce } = mutation;
  const mutate = useCallback<UseMutateFunction<TData, TError, TVariables, TOnMutateResult>>(
    (...args) => {
      lastCall.current = { variables: args[0] as TVariables, options: args[1] };
      mutateOnce(...args);
    },
    [mutateOnce],
  );
  useEffect(() => {
    send.current = (variables, callOptions) => mutateOnce(...([variables, callOptions] as Parameters<typeof mutateOnce>));
  }, [mutateOnce]);
  return { ...mutation, mutate };
}
