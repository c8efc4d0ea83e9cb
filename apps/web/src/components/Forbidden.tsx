import { Button, Result } from 'antd';
import { useNavigate } from 'react-router';

export function Forbidden() {
  const navigate = useNavigate();
  return (
    <Result
      status="403"
      title="您沒有權限檢視此頁面"
      subTitle="這個頁面只開放給診所管理者。如需使用，請聯絡診所的管理者調整您的角色。"
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          回到首頁
        </Button>
      }
    />
  );
}

export function NotFound() {
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title="找不到這個頁面"
      subTitle="網址可能有誤，或這個頁面已經移動。"
      extra={
        <Button type="primary" onClick={() => navigate('/')}>
          回到首頁
        </Button>
      }
    />
  );
}
