import { Alert } from 'antd';

/** An error's words (they say what to do), announced to screen readers. */
export const Problem = ({ text }: { text: string | null | undefined }) =>
  text ? <Alert type="error" role="alert" showIcon className="problem" title={text} /> : null;
