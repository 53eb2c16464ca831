import type { ReactNode } from 'react';

/**
 * One labelled field of a filter bar (the call log's, the Reports view's, the subject search's
 * look): the label above its control. `id` is the control's id, which the caller gives it.
 */
export function FilterField({
  id,
  label,
  className,
  children,
}: {
  id: string;
  label: string;
  /** Added to `calllog-filter`. */
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={className ? `calllog-filter ${className}` : 'calllog-filter'}>
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}
