import { FormEvent, ReactNode, useState } from 'react';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';

/**
 * The small forms of the plugin (the auditor export, a waiver request): a
 * row of fields and a button that wraps on narrow screens, a select, a date
 * and an action that is busy while it runs and reports its failure.
 */

/** A row of fields; a `form` (Enter submits) when it has `onSubmit`. */
export function InlineForm(props: {
  /** The form's accessible name. */
  label?: string;
  onSubmit?: () => void;
  children: ReactNode;
}) {
  const { label, onSubmit, children } = props;
  return (
    <Box
      display="flex"
      flexWrap="wrap"
      gridGap={8}
      alignItems="flex-end"
      {...(onSubmit
        ? {
            component: 'form',
            'aria-label': label,
            onSubmit: (e: FormEvent) => {
              e.preventDefault();
              onSubmit();
            },
          }
        : {})}
    >
      {children}
    </Box>
  );
}

/** A labelled select of a few options. */
export function SelectField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: Array<{ value: string; label: ReactNode }>;
  minWidth: number;
}) {
  const { id, label, value, onChange, options, minWidth } = props;
  return (
    <TextField
      select
      id={id}
      label={label}
      value={value}
      onChange={e => onChange(e.target.value)}
      style={{ minWidth }}
    >
      {options.map(o => (
        <MenuItem key={o.value} value={o.value}>
          {o.label}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** A labelled date (`YYYY-MM-DD`). */
export function DateField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const { id, label, value, onChange } = props;
  return (
    <TextField
      id={id}
      label={label}
      type="date"
      value={value}
      onChange={e => onChange(e.target.value)}
      InputLabelProps={{ shrink: true }}
    />
  );
}

/**
 * An action that is busy while it runs; a failure is posted as an error
 * alert worded by `failed` from the error's message.
 */
export function useBusyAction(failed: (message: string) => string) {
  const alertApi = useApi(alertApiRef);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } catch (e) {
      alertApi.post({
        message: failed(e instanceof Error ? e.message : String(e)),
        severity: 'error',
      });
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}
