// A modal that creates something with a form and then shows what the server returns only once
// (an API key, an invitation link): form → submit → result view with a single "done" button.
// Closing resets the form and forgets the result, so the secret is never shown twice.
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { Alert, Button, Form, Modal, Space, Typography, type FormProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { errorMessage } from '../api.ts';
import { applyFieldErrors } from '../forms.ts';

export type CreateRevealModalProps<V, R> = {
  open: boolean;
  onClose: () => void;
  title: string;
  resultTitle: string;
  submitLabel: string;
  doneLabel: string;
  width?: number;
  /** The result holds a secret: clicking outside does not close it, only the done button. */
  secret?: boolean;
  submit: (values: V) => Promise<R>;
  /** Queries to refresh after a successful submit. */
  invalidates: QueryKey;
  intro?: ReactNode;
  formProps?: Omit<FormProps<V>, 'form' | 'onFinish' | 'disabled' | 'layout'>;
  children: ReactNode;
  result: (r: R) => ReactNode;
};

export function CreateRevealModal<V, R>(p: CreateRevealModalProps<V, R>) {
  const [form] = Form.useForm<V>();
  const qc = useQueryClient();
  const [created, setCreated] = useState<R | null>(null);
  const create = useMutation({
    mutationFn: p.submit,
    onSuccess: (r) => {
      setCreated(r);
      void qc.invalidateQueries({ queryKey: p.invalidates });
    },
    onError: (err) => applyFieldErrors(form, err),
  });
  const close = () => {
    p.onClose();
    setCreated(null);
    create.reset();
    form.resetFields();
  };
  return (
    <Modal
      title={created ? p.resultTitle : p.title}
      open={p.open}
      onCancel={close}
      mask={p.secret ? { closable: !created } : undefined}
      width={p.width ?? 560}
      destroyOnHidden
      footer={
        created ? (
          <Button type="primary" onClick={close}>
            {p.doneLabel}
          </Button>
        ) : (
          <Space>
            <Button onClick={close}>取消</Button>
            <Button type="primary" loading={create.isPending} onClick={() => form.submit()}>
              {p.submitLabel}
            </Button>
          </Space>
        )
      }
    >
      {created ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {p.result(created)}
        </Space>
      ) : (
        <>
          {p.intro ? <Typography.Paragraph type="secondary">{p.intro}</Typography.Paragraph> : null}
          {create.isError ? (
            <Alert type="error" showIcon title={errorMessage(create.error)} style={{ marginBottom: 16 }} />
          ) : null}
          <Form<V>
            {...p.formProps}
            form={form}
            layout="vertical"
            onFinish={(v) => create.mutate(v)}
            disabled={create.isPending}
          >
            {p.children}
          </Form>
        </>
      )}
    </Modal>
  );
}
